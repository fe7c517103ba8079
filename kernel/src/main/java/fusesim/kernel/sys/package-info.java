/** Native access (JNA direct mapping to glibc, x86_64 Linux) and mount management for the oracle. */
package fusesim.kernel.sys;

/** fusesim kernel module (see README.md in the module folder). */
package fusesim.kernel;

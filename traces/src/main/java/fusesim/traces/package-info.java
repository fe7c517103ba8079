/** fusesim traces module (see README.md in the module folder). */
package fusesim.traces;

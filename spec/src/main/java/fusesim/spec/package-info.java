/** fusesim spec module (see README.md in the module folder). */
package fusesim.spec;

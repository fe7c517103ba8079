/** fusesim properties module (see README.md in the module folder). */
package fusesim.properties;

/** fusesim bench module (see README.md in the module folder). */
package fusesim.bench;

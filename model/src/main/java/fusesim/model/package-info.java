/** fusesim model module (see README.md in the module folder). */
package fusesim.model;

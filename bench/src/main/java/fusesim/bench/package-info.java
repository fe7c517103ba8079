/** JMH benchmarks: model steps/s with and without invariant checks, shrinking time per fault. */
package fusesim.bench;

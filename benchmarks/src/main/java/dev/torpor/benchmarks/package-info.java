/** JMH benchmarks of Torpor's hot paths on real image data. Run: {@code java -jar benchmarks/target/benchmarks.jar}. */
package dev.torpor.benchmarks;

/**
 * What an integrator writes: {@link dev.torpor.examples.ReadImage} reads a hibernation image,
 * {@link dev.torpor.examples.HibernateThisMachine} hibernates the machine it runs on.
 */
package dev.torpor.examples;

/**
 * What the reader, the writer and the exports share: {@link dev.torpor.image.io.ImageFormatException} (damage
 * in data read from disk, with its byte offset), {@link dev.torpor.image.io.Problem} (one finding of an
 * inspection) and {@link dev.torpor.image.io.Progress}. The packages follow the data: {@code read},
 * {@code codec}, {@code encrypted}, {@code write}, {@code export}, and {@code lifecycle} for a hibernation's
 * course through {@code /dev/snapshot}.
 */
package dev.torpor.image.io;

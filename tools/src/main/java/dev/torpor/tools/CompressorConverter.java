package dev.torpor.tools;

import dev.torpor.image.io.codec.Compressor;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The {@code --compress} value of every command that writes: lzo, lz4 or none. */
public final class CompressorConverter implements ITypeConverter<Compressor> {
    @Override
    public Compressor convert(String value) {
        try {
            return Compressor.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException("'" + value + "' is not lzo, lz4 or none");
        }
    }
}

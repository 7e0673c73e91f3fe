package dev.torpor.image.io.write;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** Micrometer meters of one write. */
final class Meters {
    final Counter pages;
    final Counter bytesIn;
    final Counter bytesOut;
    final Timer latency;

    Meters(MeterRegistry r) {
        pages = Counter.builder("torpor.write.pages").description("stream pages stored").register(r);
        bytesIn = Counter.builder("torpor.write.bytes.in").baseUnit("bytes").description("uncompressed stream bytes")
                .register(r);
        bytesOut = Counter.builder("torpor.write.bytes.out").baseUnit("bytes")
                .description("bytes written to the swap area").register(r);
        latency = Timer.builder("torpor.write.latency").description("time to write one page to the area")
                .register(r);
    }
}

package dev.torpor.tools;

import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Set;

/** How Torpor opens the files it writes (dumps, streams): never replacing an existing file unless told to. */
final class OutputFiles {
    private OutputFiles() {
    }

    /** Options for {@code FileChannel.open}: create new, or with {@code overwrite} create or truncate. */
    static Set<StandardOpenOption> options(boolean overwrite) {
        return overwrite ? EnumSet.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING)
                : EnumSet.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
    }
}

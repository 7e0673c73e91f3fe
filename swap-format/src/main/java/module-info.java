/** The on-disk structures of the swap area and the hibernation image, of every era and word size. Pure Java. */
module dev.torpor.swap.format {
    requires transitive dev.torpor.snapshot.api;

    exports dev.torpor.swap.format;
}

package dev.torpor.snapshot.api.violation;

/** Fixture: snapshot-api reaching up into swap-format. */
public class UsesSwapFormat {
    public long flags(dev.torpor.swap.format.ImageFlags f) {
        return f.value();
    }
}

/**
 * The {@code /dev/snapshot} API: the stream model, the device interface and its ioctl numbers per ABI, the session
 * state machines, and an emulator of the device. Pure Java, with no dependency.
 */
module dev.torpor.snapshot.api {
    exports dev.torpor.snapshot.api;
    exports dev.torpor.snapshot.api.device;
    exports dev.torpor.snapshot.api.emulator;
    exports dev.torpor.snapshot.api.session;
}

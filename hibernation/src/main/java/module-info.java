/**
 * The safe-hibernation procedure of a JVM, and the resume's, each as one library call. Its API uses image-io's
 * and platform-linux's types, so both are read by whoever reads this module.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // image-io: see its pom
module dev.torpor.hibernation {
    requires transitive dev.torpor.image.io;
    requires dev.torpor.swap.format;
    requires transitive dev.torpor.platform.linux;
    requires java.management;
    requires jdk.management;
    requires jdk.unsupported;

    exports dev.torpor.hibernation;
}

/**
 * The Linux bindings (JNA, and Torpor's JNI library where it loads) and the Linux facts. JNA reaches the bindings'
 * structures and native methods by reflection, so the package is open to it.
 */
@SuppressWarnings("requires-automatic") // JNA: a stable Automatic-Module-Name, com.sun.jna
module dev.torpor.platform.linux {
    requires transitive dev.torpor.snapshot.api;
    requires com.sun.jna;
    requires java.management;
    requires jdk.management;

    exports dev.torpor.platform.linux;

    opens dev.torpor.platform.linux to com.sun.jna;
}

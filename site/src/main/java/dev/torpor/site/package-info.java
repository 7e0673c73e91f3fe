/** Builds the documentation site: Markdown pages to HTML, and the CLI reference from picocli's model of the CLI. */
package dev.torpor.site;

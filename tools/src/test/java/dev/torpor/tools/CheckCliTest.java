package dev.torpor.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code torpor check} on this machine: a VM whose kernel offers no hibernation. */
class CheckCliTest {

    @Test
    void saysWhyThisMachineCannotHibernate() throws Exception {
        Cli.Result r = Cli.run("check", "--json");
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("checks")).hasSize(7);
        boolean can = j.get("canHibernate").asBoolean();
        assertThat(r.exit()).isEqualTo(can ? 0 : 69);
        for (JsonNode c : j.get("checks")) {
            assertThat(c.get("status").asText()).isIn("ok", "warn", "fail");
            assertThat(c.get("reason").asText()).isNotBlank();
        }
        assertThat(j.at("/checks/0/name").asText()).isEqualTo("root");
        assertThat(j.at("/checks/0/status").asText()).isEqualTo("ok"); // the tests run as root
        Cli.Result text = Cli.run("check");
        assertThat(text.out()).contains(can ? "this machine can hibernate" : "this machine cannot hibernate now");
        assertThat(text.all()).doesNotContain("Exception");
    }
}

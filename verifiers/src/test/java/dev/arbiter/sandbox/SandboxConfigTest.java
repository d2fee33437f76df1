package dev.arbiter.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SandboxConfigTest {
    @Test
    void oneContainerPerCoreButOneUnlessTheEnvironmentSays() {
        assertThat(SandboxConfig.containers(null, 1)).isEqualTo(1);
        assertThat(SandboxConfig.containers(null, 2)).isEqualTo(1);
        assertThat(SandboxConfig.containers("", 16)).isEqualTo(15);
        assertThat(SandboxConfig.containers(" 2 ", 2)).isEqualTo(2);
        assertThatThrownBy(() -> SandboxConfig.containers("two", 2)).isInstanceOf(SandboxException.class)
                .hasMessageContaining("ARBITER_SANDBOX_CONTAINERS").hasMessageContaining("'two'");
        assertThatThrownBy(() -> SandboxConfig.containers("0", 2)).isInstanceOf(SandboxException.class);
    }
}

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

    @Test
    void dockerHostsAreUnixSocketsOrTcpAddressesNamedOnce() {
        assertThat(DockerHost.parseList("unix:///var/run/docker.sock, tcp://10.0.0.7:2376,,"))
                .containsExactly(new DockerHost("unix:///var/run/docker.sock"), new DockerHost("tcp://10.0.0.7:2376"));
        for (String bad : new String[] {"http://host:2375", "tcp://host", "unix://", "docker.sock", "tcp://:2375"}) {
            assertThatThrownBy(() -> new DockerHost(bad)).as(bad).isInstanceOf(SandboxException.class)
                    .hasMessage("not a Docker host: '" + bad + "' (give unix:///path/to/docker.sock or tcp://host:port)");
        }
        assertThatThrownBy(() -> DockerHost.parseList("tcp://a:1,tcp://a:1")).isInstanceOf(SandboxException.class)
                .hasMessage("Docker host tcp://a:1 is named twice");
        assertThatThrownBy(() -> DockerHost.parseList(" , ")).isInstanceOf(SandboxException.class).hasMessage("no Docker host given");
    }

    @Test
    void theContainerCountIsPerHost() {
        SandboxConfig c = SandboxConfig.defaults().withContainers(3)
                .withHosts(DockerHost.parseList("unix:///a.sock,unix:///b.sock"));
        assertThat(c.containers()).isEqualTo(3);
        assertThat(c.totalContainers()).isEqualTo(6);
        assertThat(c.hosts()).extracting(DockerHost::uri).containsExactly("unix:///a.sock", "unix:///b.sock");
    }

    @Test
    void plainTcpToAnotherMachineIsRefusedBeforeAnyByteIsSent() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("DOCKER_TLS_VERIFY") == null && System.getenv("ARBITER_DOCKER_INSECURE") == null);
        assertThatThrownBy(() -> new DockerHost("tcp://192.0.2.7:2375").connect(null)).isInstanceOf(SandboxException.class)
                .hasMessageStartingWith("refusing plain tcp to Docker at tcp://192.0.2.7:2375: whoever can reach that traffic is root");
    }
}

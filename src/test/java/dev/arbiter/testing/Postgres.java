package dev.arbiter.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The tests' PostgreSQL server: ARBITER_TEST_POSTGRES holds its JDBC URL (`.ci/run` starts one and sets it). A test
 * without one is skipped, except in CI, where it fails.
 */
public final class Postgres {
    private Postgres() {}

    /** The server's URL, or the calling test is skipped. */
    public static String url() {
        String url = System.getenv("ARBITER_TEST_POSTGRES");
        if (System.getenv("CI") != null) {
            assertThat(url).as("ARBITER_TEST_POSTGRES is set by .ci/run").isNotBlank();
        }
        assumeTrue(url != null && !url.isBlank(), "no PostgreSQL server; `bash .ci/run` starts one");
        return url;
    }

    /** A new schema's name, unlike any other test's. */
    public static String newSchema(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "");
    }

    /** Creates {@code schema} and returns {@code url} with its tables there (an empty store), for {@link #drop} after. */
    public static String inSchema(String url, String schema) throws SQLException {
        execute(url, "CREATE SCHEMA " + schema);
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    public static void drop(String url, String schema) throws SQLException {
        execute(url, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    private static void execute(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}

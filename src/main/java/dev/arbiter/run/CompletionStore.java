package dev.arbiter.run;

import dev.arbiter.verify.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Completions and verdicts in one SQLite file (or, for a team sharing a leaderboard, a PostgreSQL
 * database named by a {@code jdbc:postgresql:} URL), each written in its own transaction as it arrives.
 * A completion's key is (generation spec hash, problem, sample index) and it is stored at most
 * once, so a re-run, a resume after {@code kill -9}, or a larger n asks the model only for what is
 * missing. The file is in WAL mode: a committed row survives the process being killed at any moment.
 * Verdicts sit beside completions, one per verifier name, so re-grading never calls the model.
 * Safe for use from many threads (one connection, serialized).
 */
public final class CompletionStore implements AutoCloseable {
    /** The two SQL dialects' differences, kept to the statements that differ. */
    private enum Dialect {
        SQLITE("INSERT OR IGNORE INTO", "", "INSERT OR REPLACE INTO", "",
                "strftime('%Y-%m-%dT%H:%M:%fZ','now')"),
        POSTGRES("INSERT INTO", " ON CONFLICT DO NOTHING", "INSERT INTO",
                " ON CONFLICT (spec_hash, problem_id, sample_index, verifier) DO UPDATE SET outcome = EXCLUDED.outcome,"
                        + " extracted = EXCLUDED.extracted, reason = EXCLUDED.reason",
                "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')");

        final String insertIgnore;
        final String ignoreTail;
        final String upsert;
        final String upsertTail;
        final String now;

        Dialect(String insertIgnore, String ignoreTail, String upsert, String upsertTail, String now) {
            this.insertIgnore = insertIgnore;
            this.ignoreTail = ignoreTail;
            this.upsert = upsert;
            this.upsertTail = upsertTail;
            this.now = now;
        }
    }

    /** The PostgreSQL advisory lock key that serializes creating the tables ("arbiter" in ASCII). */
    private static final long SCHEMA_LOCK = 0x61726269746572L;

    private final String file;
    private final Connection db;
    private final Dialect dialect;

    private CompletionStore(String file, Connection db, Dialect dialect) {
        this.file = file;
        this.db = db;
        this.dialect = dialect;
    }

    /** A SQLite file, created with its folder when missing. */
    public static CompletionStore open(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (java.io.IOException e) {
            throw new StoreException("cannot open the completion store " + file + ": " + e.getMessage(), e);
        }
        return open(file.toString(), "jdbc:sqlite:" + file.toAbsolutePath(), Dialect.SQLITE);
    }

    /** A {@code jdbc:postgresql:} URL, or else a SQLite file's path. */
    public static CompletionStore open(String location) {
        if (location.startsWith("jdbc:postgresql:")) {
            return open(redacted(location), location, Dialect.POSTGRES);
        }
        return open(Path.of(location));
    }

    /** The location as it may be printed: a URL's password replaced by stars. */
    public static String redacted(String location) {
        return location.replaceAll("password=[^&]*", "password=***");
    }

    private static CompletionStore open(String name, String url, Dialect dialect) {
        String now = dialect.now;
        try {
            Connection c = DriverManager.getConnection(url);
            try (Statement s = c.createStatement()) {
                if (dialect == Dialect.SQLITE) {
                    s.execute("PRAGMA journal_mode=WAL");
                    s.execute("PRAGMA synchronous=NORMAL");
                    s.execute("PRAGMA busy_timeout=10000");
                    s.execute("PRAGMA foreign_keys=ON"); // a completion needs its registered spec
                } else {
                    // Two first opens at once (the shards of one run) would race in CREATE TABLE IF NOT EXISTS,
                    // which PostgreSQL does not serialize: one lock per database, held until the commit below.
                    c.setAutoCommit(false);
                    s.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")");
                }
                s.execute("""
                        CREATE TABLE IF NOT EXISTS specs (
                          spec_hash TEXT PRIMARY KEY,
                          spec_json TEXT NOT NULL)""");
                s.execute("CREATE TABLE IF NOT EXISTS completions ("
                        + " spec_hash TEXT NOT NULL REFERENCES specs(spec_hash),"
                        + " problem_id TEXT NOT NULL,"
                        + " sample_index INTEGER NOT NULL,"
                        + " text TEXT NOT NULL,"
                        + " finish_reason TEXT,"
                        + " prompt_tokens INTEGER NOT NULL,"
                        + " completion_tokens INTEGER NOT NULL,"
                        + " created_at TEXT NOT NULL DEFAULT (" + now + "),"
                        + " PRIMARY KEY (spec_hash, problem_id, sample_index))");
                // the fingerprint a served model's name was first seen with, per revision and probe route
                s.execute("CREATE TABLE IF NOT EXISTS served_models ("
                        + " model TEXT NOT NULL,"
                        + " revision TEXT NOT NULL,"
                        + " route TEXT NOT NULL,"
                        + " fingerprint_id TEXT NOT NULL,"
                        + " fingerprint TEXT NOT NULL,"
                        + " served TEXT,"
                        + " endpoint TEXT,"
                        + " created_at TEXT NOT NULL DEFAULT (" + now + "),"
                        + " PRIMARY KEY (model, revision, route))");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS verdicts (
                          spec_hash TEXT NOT NULL,
                          problem_id TEXT NOT NULL,
                          sample_index INTEGER NOT NULL,
                          verifier TEXT NOT NULL,
                          outcome TEXT NOT NULL,
                          extracted TEXT,
                          reason TEXT,
                          PRIMARY KEY (spec_hash, problem_id, sample_index, verifier))""");
                // an LLM judge's ruling on a response the rules rejected, beside (never instead of) the rule verdicts; a reply
                // that could not be read is kept with a NULL outcome, a failed request is not kept
                s.execute("CREATE TABLE IF NOT EXISTS judgements ("
                        + " judge TEXT NOT NULL,"
                        + " problem_hash TEXT NOT NULL,"
                        + " response_hash TEXT NOT NULL,"
                        + " problem_id TEXT NOT NULL,"
                        + " outcome TEXT,"
                        + " verdict_line TEXT,"
                        + " reason TEXT NOT NULL,"
                        + " created_at TEXT NOT NULL DEFAULT (" + now + "),"
                        + " PRIMARY KEY (judge, problem_hash, response_hash))");
                if (dialect == Dialect.POSTGRES) {
                    c.commit();
                    c.setAutoCommit(true);
                }
            } catch (SQLException e) {
                c.close(); // a rolled-back transaction releases the lock
                throw e;
            }
            return new CompletionStore(name, c, dialect);
        } catch (SQLException e) {
            throw new StoreException("cannot open the completion store " + name + ": " + e.getMessage(), e);
        }
    }

    /** Records the spec behind a hash (once), so a store can say what its rows were generated with. */
    public synchronized String register(GenerationSpec spec) {
        String hash = spec.hash();
        update(dialect.insertIgnore + " specs(spec_hash, spec_json) VALUES (?, ?)" + dialect.ignoreTail, hash, spec.canonicalJson());
        return hash;
    }

    /** The canonical JSON of the spec registered under {@code specHash}, if any (to recover a run's prompt template). */
    public synchronized Optional<String> specJson(String specHash) {
        String[] json = new String[1];
        query("SELECT spec_json FROM specs WHERE spec_hash = ?", rs -> json[0] = rs.getString(1), specHash);
        return Optional.ofNullable(json[0]);
    }

    /**
     * A served model as first recorded under its name: the fingerprint's id and JSON, what GET
     * /v1/models said of it (JSON, or null), the endpoint it was probed on, and when.
     */
    public record RecordedModel(String fingerprintId, String fingerprint, String served, String endpoint, String createdAt) {}

    /**
     * The served model first recorded under this name, revision ("" for none) and probe route
     * (chat or completions), if any.
     */
    public synchronized Optional<RecordedModel> recordedModel(String model, String revision, String route) {
        RecordedModel[] out = new RecordedModel[1];
        query("SELECT fingerprint_id, fingerprint, served, endpoint, created_at FROM served_models WHERE model = ? AND revision = ? AND route = ?",
                rs -> out[0] = new RecordedModel(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)),
                model, revision, route);
        return Optional.ofNullable(out[0]);
    }

    /**
     * Records a served model under its name unless one is recorded there already (a run started at the
     * same moment may have won); returns the one recorded, this or the earlier.
     */
    public synchronized RecordedModel recordModel(String model, String revision, String route, RecordedModel m) {
        update(dialect.insertIgnore + " served_models(model, revision, route, fingerprint_id, fingerprint, served, endpoint)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)" + dialect.ignoreTail, model, revision, route, m.fingerprintId(), m.fingerprint(), m.served(),
                m.endpoint());
        return recordedModel(model, revision, route).orElseThrow();
    }

    /** Stores a completion unless one is already there; true when this call stored it. */
    public synchronized boolean put(String specHash, Completion c) {
        return update(dialect.insertIgnore + " completions(spec_hash, problem_id, sample_index, text, finish_reason, prompt_tokens,"
                + " completion_tokens) VALUES (?, ?, ?, ?, ?, ?, ?)" + dialect.ignoreTail, specHash, c.problemId(), c.sampleIndex(), c.text(), c.finishReason(),
                c.promptTokens(), c.completionTokens()) == 1;
    }

    /** The slots among problems × [0, n) that have no completion yet, in problem order then index. */
    public synchronized List<SampleSlot> missing(String specHash, List<String> problemIds, int n) {
        Map<String, Set<Integer>> have = new TreeMap<>();
        query("SELECT problem_id, sample_index FROM completions WHERE spec_hash = ? AND sample_index < ?", rs -> {
            have.computeIfAbsent(rs.getString(1), k -> new HashSet<>()).add(rs.getInt(2));
        }, specHash, n);
        List<SampleSlot> out = new ArrayList<>();
        for (String p : problemIds) {
            Set<Integer> got = have.getOrDefault(p, Set.of());
            for (int i = 0; i < n; i++) {
                if (!got.contains(i)) {
                    out.add(new SampleSlot(p, i));
                }
            }
        }
        return out;
    }

    /** Every stored completion of one problem under a spec, by sample index. */
    public synchronized List<Completion> completions(String specHash, String problemId) {
        List<Completion> out = new ArrayList<>();
        query("SELECT problem_id, sample_index, text, finish_reason, prompt_tokens, completion_tokens FROM completions"
                + " WHERE spec_hash = ? AND problem_id = ? ORDER BY sample_index", rs -> out.add(new Completion(rs.getString(1),
                rs.getInt(2), rs.getString(3), rs.getString(4), rs.getInt(5), rs.getInt(6))), specHash, problemId);
        return out;
    }

    public synchronized long count(String specHash) {
        long[] n = new long[1];
        query("SELECT COUNT(*) FROM completions WHERE spec_hash = ?", rs -> n[0] = rs.getLong(1), specHash);
        return n[0];
    }

    /** Stores (or replaces) one verifier's verdict on one completion. */
    public synchronized void putVerdict(String specHash, String problemId, int sampleIndex, String verifier, Outcome outcome,
                                        String extracted, String reason) {
        stored(outcome);
        update(dialect.upsert + " verdicts(spec_hash, problem_id, sample_index, verifier, outcome, extracted, reason)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)" + dialect.upsertTail, specHash, problemId, sampleIndex, verifier, outcome.name(), extracted, reason);
    }

    /** One verdict to store with {@link #putVerdicts}; an infrastructure error is no verdict, so it is never stored. */
    public record VerdictRow(int sampleIndex, Outcome outcome, String extracted, String reason) {
        public VerdictRow {
            stored(outcome);
        }
    }

    private static void stored(Outcome o) {
        if (!o.graded()) {
            throw new IllegalArgumentException("an infrastructure error is no verdict; it is graded again, never stored");
        }
    }

    /** Stores (or replaces) one verifier's verdicts on one problem's completions, in one transaction. */
    public synchronized void putVerdicts(String specHash, String problemId, String verifier, List<VerdictRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        try {
            db.setAutoCommit(false);
            try (PreparedStatement st = db.prepareStatement(dialect.upsert + " verdicts(spec_hash, problem_id, sample_index, verifier,"
                    + " outcome, extracted, reason) VALUES (?, ?, ?, ?, ?, ?, ?)" + dialect.upsertTail)) {
                for (VerdictRow r : rows) {
                    bind(st, new Object[] {specHash, problemId, r.sampleIndex(), verifier, r.outcome().name(), r.extracted(), r.reason()});
                    st.addBatch();
                }
                st.executeBatch();
                db.commit();
            } catch (SQLException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("completion store " + file + ": " + e.getMessage(), e);
        }
    }

    public synchronized Optional<Outcome> verdict(String specHash, String problemId, int sampleIndex, String verifier) {
        Outcome[] o = new Outcome[1];
        query("SELECT outcome FROM verdicts WHERE spec_hash = ? AND problem_id = ? AND sample_index = ? AND verifier = ?",
                rs -> o[0] = Outcome.valueOf(rs.getString(1)), specHash, problemId, sampleIndex, verifier);
        return Optional.ofNullable(o[0]);
    }

    /** One verifier's stored verdicts on one problem, by sample index. */
    public synchronized Map<Integer, StoredVerdict> verdictsWithAnswers(String specHash, String problemId, String verifier) {
        Map<Integer, StoredVerdict> out = new TreeMap<>();
        query("SELECT sample_index, outcome, extracted, reason FROM verdicts WHERE spec_hash = ? AND problem_id = ? AND verifier = ?",
                rs -> out.put(rs.getInt(1), new StoredVerdict(Outcome.valueOf(rs.getString(2)), rs.getString(3), rs.getString(4))), specHash,
                problemId, verifier);
        return out;
    }

    /** A stored judge ruling: {@code outcome} CORRECT or WRONG, or null when the judge's reply could not be read. */
    public record StoredJudgement(Outcome outcome, String verdictLine, String reason) {}

    /** The judgement {@code judge} (its identity) made of a response to a problem, both by their hashes, if one is stored. */
    public synchronized Optional<StoredJudgement> judgement(String judge, String problemHash, String responseHash) {
        StoredJudgement[] out = new StoredJudgement[1];
        query("SELECT outcome, verdict_line, reason FROM judgements WHERE judge = ? AND problem_hash = ? AND response_hash = ?",
                rs -> out[0] = new StoredJudgement(rs.getString(1) == null ? null : Outcome.valueOf(rs.getString(1)), rs.getString(2),
                        rs.getString(3)), judge, problemHash, responseHash);
        return Optional.ofNullable(out[0]);
    }

    /** Stores a judgement unless one is there (the first reply stands, as the first sample does). */
    public synchronized void putJudgement(String judge, String problemHash, String responseHash, String problemId, StoredJudgement j) {
        if (j.outcome() != null && j.outcome() != Outcome.CORRECT && j.outcome() != Outcome.WRONG) {
            throw new IllegalArgumentException("a judge accepts or rejects; got " + j.outcome());
        }
        update(dialect.insertIgnore + " judgements(judge, problem_hash, response_hash, problem_id, outcome, verdict_line, reason)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)" + dialect.ignoreTail, judge, problemHash, responseHash, problemId,
                j.outcome() == null ? null : j.outcome().name(), j.verdictLine(), j.reason());
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw new StoreException("cannot close the completion store " + file + ": " + e.getMessage(), e);
        }
    }

    private interface Row {
        void accept(ResultSet rs) throws SQLException;
    }

    private int update(String sql, Object... args) {
        try (PreparedStatement st = db.prepareStatement(sql)) {
            bind(st, args);
            return st.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("completion store " + file + ": " + e.getMessage(), e);
        }
    }

    private void query(String sql, Row row, Object... args) {
        try (PreparedStatement st = db.prepareStatement(sql)) {
            bind(st, args);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    row.accept(rs);
                }
            }
        } catch (SQLException e) {
            throw new StoreException("completion store " + file + ": " + e.getMessage(), e);
        }
    }

    private static void bind(PreparedStatement st, Object[] args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            st.setObject(i + 1, args[i]);
        }
    }
}

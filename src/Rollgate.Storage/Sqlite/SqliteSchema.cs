using Microsoft.Data.Sqlite;

namespace Rollgate.Storage.Sqlite;

/// <summary>
/// The store's tables. <c>events</c> keeps every line as received (so unknown fields survive); the other
/// tables project the fields the queries use, with instants as UTC ticks and users as small integers.
/// The version lives in <c>PRAGMA user_version</c>; each migration moves it up by one.
/// </summary>
internal static class SqliteSchema
{
    public const int Version = 13;

    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE events (
            seq    INTEGER PRIMARY KEY,
            type   TEXT    NOT NULL,
            ts     INTEGER NOT NULL,
            digest INTEGER NOT NULL,
            body   TEXT    NOT NULL
        );
        CREATE UNIQUE INDEX events_digest ON events(digest);
        CREATE INDEX events_type_ts ON events(type, ts);

        CREATE TABLE names (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);

        CREATE TABLE runs (
            seq        INTEGER PRIMARY KEY,
            id         TEXT    NOT NULL UNIQUE,
            ts         INTEGER NOT NULL,
            user       INTEGER NOT NULL,
            task       TEXT    NOT NULL,
            outcome    INTEGER NOT NULL,
            latency_ms REAL,
            experiment TEXT,
            variant    INTEGER
        );
        CREATE INDEX runs_ts ON runs(ts, user, outcome);

        -- run_ts and run_user copy the run's, so that feedback is counted by its run's window without a join;
        -- superseded_at is the ts of the next feedback for the same run and person (the latest replaces).
        CREATE TABLE feedback (
            seq           INTEGER PRIMARY KEY,
            run           TEXT    NOT NULL,
            user          INTEGER NOT NULL,
            ts            INTEGER NOT NULL,
            rating        INTEGER NOT NULL,
            minutes       REAL,
            run_ts        INTEGER,
            run_user      INTEGER,
            superseded_at INTEGER
        );
        CREATE INDEX feedback_window ON feedback(run_ts, ts, superseded_at, run_user, rating, minutes);
        CREATE INDEX feedback_key ON feedback(run, user, ts);

        CREATE TABLE reviews (
            seq           INTEGER PRIMARY KEY,
            run           TEXT    NOT NULL,
            reviewer      INTEGER NOT NULL,
            ts            INTEGER NOT NULL,
            correct       INTEGER NOT NULL,
            run_ts        INTEGER,
            run_user      INTEGER,
            superseded_at INTEGER
        );
        CREATE INDEX reviews_window ON reviews(run_ts, ts, superseded_at, run_user, correct);
        CREATE INDEX reviews_key ON reviews(run, reviewer, ts);

        -- phase_started, rollback and directive events: few, read by time.
        CREATE TABLE control (
            seq     INTEGER PRIMARY KEY,
            type    TEXT    NOT NULL,
            ts      INTEGER NOT NULL,
            phase   TEXT,
            trigger TEXT,
            by      TEXT,
            action  TEXT,
            reason  TEXT
        );
        CREATE INDEX control_type_ts ON control(type, ts);

        CREATE TABLE incidents (
            seq      INTEGER PRIMARY KEY,
            ts       INTEGER NOT NULL,
            id       TEXT    NOT NULL,
            severity INTEGER NOT NULL,
            category INTEGER NOT NULL,
            title    TEXT
        );
        CREATE INDEX incidents_ts ON incidents(ts);

        CREATE TABLE bugs (
            seq      INTEGER PRIMARY KEY,
            ts       INTEGER NOT NULL,
            id       TEXT    NOT NULL,
            priority INTEGER NOT NULL,
            title    TEXT
        );

        -- incident_resolved and bug_resolved.
        CREATE TABLE resolutions (
            seq  INTEGER PRIMARY KEY,
            kind TEXT    NOT NULL,
            id   TEXT    NOT NULL,
            ts   INTEGER NOT NULL
        );
        CREATE INDEX resolutions_id ON resolutions(kind, id, ts);

        CREATE TABLE lead_responses (
            seq       INTEGER PRIMARY KEY,
            ts        INTEGER NOT NULL,
            lead      TEXT    NOT NULL,
            user      INTEGER NOT NULL,
            created   INTEGER NOT NULL,
            responded INTEGER NOT NULL
        );
        CREATE INDEX lead_responses_created ON lead_responses(created, ts, user, responded);
        """,

        // 2: the CRM records (SPEC 7) agents read. Each keeps its JSON as written by CrmJson; the columns copy the
        // links the lookups follow. seq keeps the order records were first imported in (an upsert keeps the row).
        """
        CREATE TABLE crm_accounts (
            seq  INTEGER PRIMARY KEY,
            id   TEXT    NOT NULL UNIQUE,
            name TEXT,
            body TEXT    NOT NULL
        );
        -- A lead without account_id finds its account by the exact company name.
        CREATE INDEX crm_accounts_name ON crm_accounts(name, seq);

        CREATE TABLE crm_contacts (
            seq        INTEGER PRIMARY KEY,
            id         TEXT    NOT NULL UNIQUE,
            account_id TEXT,
            body       TEXT    NOT NULL
        );
        CREATE INDEX crm_contacts_account ON crm_contacts(account_id, seq);

        CREATE TABLE crm_leads (
            seq        INTEGER PRIMARY KEY,
            id         TEXT    NOT NULL UNIQUE,
            account_id TEXT,
            body       TEXT    NOT NULL
        );

        CREATE TABLE crm_opportunities (
            seq        INTEGER PRIMARY KEY,
            id         TEXT    NOT NULL UNIQUE,
            account_id TEXT,
            body       TEXT    NOT NULL
        );

        -- ts is UTC ticks (for order); day is the local date's day number (for "up to and including as_of").
        CREATE TABLE crm_activities (
            seq         INTEGER PRIMARY KEY,
            id          TEXT    NOT NULL UNIQUE,
            lead        TEXT,
            opportunity TEXT,
            contact     TEXT,
            ts          INTEGER,
            day         INTEGER,
            scheduled   INTEGER NOT NULL,
            body        TEXT    NOT NULL
        );
        CREATE INDEX crm_activities_lead ON crm_activities(lead);
        CREATE INDEX crm_activities_opportunity ON crm_activities(opportunity);
        CREATE INDEX crm_activities_contact ON crm_activities(contact);

        -- Names compare without case, as they are looked for in notes.
        CREATE TABLE crm_competitors (
            seq  INTEGER PRIMARY KEY,
            name TEXT    NOT NULL UNIQUE COLLATE NOCASE
        );
        """,
        """
        -- No query reads events by type; the index only slowed imports.
        DROP INDEX events_type_ts;

        -- An event's identity is its line, whose digest already depends on its ts: keyed by (ts, digest), the
        -- uniqueness index grows at its end as time moves on, instead of at random places.
        DROP INDEX events_digest;
        CREATE UNIQUE INDEX events_ts_digest ON events(ts, digest);

        -- What each person owns: 1 = runs, 2 = lead responses. When a population includes every owner, a
        -- query needs no user filter at all, and scans its window's index range without checking each row.
        ALTER TABLE names ADD COLUMN owns INTEGER NOT NULL DEFAULT 0;
        UPDATE names SET owns = owns | 1 WHERE id IN (SELECT DISTINCT user FROM runs);
        UPDATE names SET owns = owns | 2 WHERE id IN (SELECT DISTINCT user FROM lead_responses);

        -- QA evidence for the pre-launch checklist: each QA run's figures, and manual review verdicts
        -- (one per scenario and reviewer; a later verdict replaces the earlier).
        CREATE TABLE qa_runs (
            id        INTEGER PRIMARY KEY,
            at        TEXT    NOT NULL,
            suite     TEXT    NOT NULL,
            engine    TEXT    NOT NULL,
            total     INTEGER NOT NULL,
            passed    INTEGER NOT NULL,
            pass_rate REAL,
            coverage  REAL
        );

        CREATE TABLE qa_reviews (
            scenario TEXT NOT NULL,
            reviewer TEXT NOT NULL,
            at       TEXT NOT NULL,
            verdict  TEXT NOT NULL,
            notes    TEXT,
            PRIMARY KEY (scenario, reviewer)
        );
        """,
        """
        -- Digests move from truncated SHA-256 to XXH3 (EventDigest): recomputed from each stored line, so that a
        -- file imported before still counts as already imported.
        UPDATE events SET digest = rollgate_digest(body);
        """,
        """
        -- API tokens: only a SHA-256 hash of each is kept; the token itself is shown once, when created.
        CREATE TABLE tokens (
            id      INTEGER PRIMARY KEY,
            user    TEXT    NOT NULL,
            hash    TEXT    NOT NULL UNIQUE,
            created TEXT    NOT NULL,
            revoked TEXT
        );
        CREATE INDEX tokens_user ON tokens(user);
        """,
        """
        -- The audit trail: every change of state, chained by SHA-256 (each record's hash covers the previous
        -- record's hash), so that a record changed or removed breaks the chain where it happened.
        CREATE TABLE audit (
            seq       INTEGER PRIMARY KEY,
            at        TEXT NOT NULL,
            actor     TEXT NOT NULL,
            action    TEXT NOT NULL,
            subject   TEXT,
            reason    TEXT,
            prev_hash TEXT NOT NULL,
            hash      TEXT NOT NULL
        );
        """,
        """
        -- What the server's agents answered: the run's output as the person saw it, for the person and for
        -- reviewers. body is emptied (purged set) when the plan's retention period for run payloads ends.
        CREATE TABLE run_outputs (
            run     TEXT    PRIMARY KEY,
            ts      INTEGER NOT NULL,
            user    TEXT    NOT NULL,
            task    TEXT    NOT NULL,
            outcome TEXT    NOT NULL,
            record  TEXT    NOT NULL,
            as_of   TEXT    NOT NULL,
            body    TEXT,
            purged  INTEGER
        );
        CREATE INDEX run_outputs_user_ts ON run_outputs(user, ts);
        CREATE INDEX run_outputs_ts ON run_outputs(ts);
        """,
        """
        -- Notifications to deliver (Slack, email), retried with backoff; every attempt is kept.
        CREATE TABLE deliveries (
            id           INTEGER PRIMARY KEY,
            created      INTEGER NOT NULL,
            about        TEXT    NOT NULL,
            channel      TEXT    NOT NULL,
            recipient    TEXT    NOT NULL,
            subject      TEXT    NOT NULL,
            body         TEXT    NOT NULL,
            status       TEXT    NOT NULL,
            attempts     INTEGER NOT NULL DEFAULT 0,
            next_attempt INTEGER NOT NULL,
            delivered    INTEGER,
            detail       TEXT
        );
        CREATE INDEX deliveries_due ON deliveries(status, next_attempt);
        CREATE TABLE delivery_attempts (
            delivery INTEGER NOT NULL,
            at       INTEGER NOT NULL,
            ok       INTEGER NOT NULL,
            detail   TEXT    NOT NULL
        );
        CREATE INDEX delivery_attempts_delivery ON delivery_attempts(delivery, at);

        -- Legal holds: while one stands, nothing is purged.
        CREATE TABLE legal_holds (
            id       INTEGER PRIMARY KEY,
            placed   INTEGER NOT NULL,
            reason   TEXT    NOT NULL,
            released INTEGER
        );

        -- The guardian reads the audit trail by action (what it acted on, warned of, what was signed off).
        CREATE INDEX audit_action ON audit(action, seq);

        -- The incident each rollback opens: its review and findings, when due, when recorded, and escalations.
        CREATE TABLE incident_reviews (
            id                 TEXT    PRIMARY KEY,
            opened             INTEGER NOT NULL,
            trigger            TEXT    NOT NULL,
            phase              TEXT,
            reason             TEXT    NOT NULL,
            review_due         INTEGER NOT NULL,
            findings_due       INTEGER NOT NULL,
            review_at          INTEGER,
            review_by          TEXT,
            review_text        TEXT,
            review_sha256      TEXT,
            findings_at        INTEGER,
            findings_by        TEXT,
            findings_text      TEXT,
            findings_sha256    TEXT,
            review_escalated   INTEGER,
            findings_escalated INTEGER,
            snapshot           TEXT,
            snapshot_sha256    TEXT
        );
        """,
        """
        -- Moved up by every CRM import, in the import's transaction: a process that keeps agents' inputs in memory
        -- compares it to tell whether the records changed since, whichever process imported them.
        CREATE TABLE crm_version (
            id      INTEGER PRIMARY KEY CHECK (id = 1),
            version INTEGER NOT NULL
        );
        INSERT INTO crm_version(id, version) VALUES (1, 0);
        """,
        """
        -- An experiment's report reads only the runs that carry its key.
        CREATE INDEX runs_experiment ON runs(experiment, variant, ts) WHERE experiment IS NOT NULL;
        """,
        """
        -- A person's latest runs are read from the end of the index by time, which carries the person, instead of
        -- an index by person: that one put a page of its own per person into every commit of the server's runs,
        -- and the time index grows at its end. (ts, run) is the order the listing shows.
        DROP INDEX run_outputs_user_ts;
        DROP INDEX run_outputs_ts;
        CREATE INDEX run_outputs_ts ON run_outputs(ts, run, user);
        """,
        """
        -- Counters moved up in the transaction of every change to what a server keeps in memory between requests:
        -- API tokens, phase starts and rollbacks (the control table), CRM records. One read of this one-page table
        -- tells a process whether any of them changed since it last looked, whichever process changed them. The
        -- triggers keep the counters right for any writer; CRM imports move theirs up themselves, once each.
        CREATE TABLE stamps (
            id      INTEGER PRIMARY KEY CHECK (id = 1),
            tokens  INTEGER NOT NULL,
            control INTEGER NOT NULL,
            crm     INTEGER NOT NULL
        );
        INSERT INTO stamps(id, tokens, control, crm) SELECT 1, 0, 0, version FROM crm_version;
        DROP TABLE crm_version;
        CREATE TRIGGER tokens_inserted AFTER INSERT ON tokens BEGIN UPDATE stamps SET tokens = tokens + 1; END;
        CREATE TRIGGER tokens_updated AFTER UPDATE ON tokens BEGIN UPDATE stamps SET tokens = tokens + 1; END;
        CREATE TRIGGER tokens_deleted AFTER DELETE ON tokens BEGIN UPDATE stamps SET tokens = tokens + 1; END;
        CREATE TRIGGER control_inserted AFTER INSERT ON control BEGIN UPDATE stamps SET control = control + 1; END;
        CREATE TRIGGER control_updated AFTER UPDATE ON control BEGIN UPDATE stamps SET control = control + 1; END;
        CREATE TRIGGER control_deleted AFTER DELETE ON control BEGIN UPDATE stamps SET control = control + 1; END;
        """,
        """
        -- A run's answer is kept under the run's seq, and its id, time, person, task and outcome are read from the
        -- run: a commit of the server's runs then adds one B-tree that grows at its end, where the answers keyed by
        -- run id with an index by time added three. An answer whose run is not stored is not kept.
        CREATE TABLE run_answers (
            seq    INTEGER PRIMARY KEY,
            record TEXT    NOT NULL,
            as_of  TEXT    NOT NULL,
            body   TEXT,
            purged INTEGER
        );
        INSERT INTO run_answers(seq, record, as_of, body, purged)
            SELECT r.seq, o.record, o.as_of, o.body, o.purged FROM run_outputs o JOIN runs r ON r.id = o.run ORDER BY r.seq;
        DROP TABLE run_outputs;
        ALTER TABLE run_answers RENAME TO run_outputs;
        """,
    ];

    public static void Apply(SqliteConnection connection) => Apply(connection, Version);

    /// <summary>Brings the schema up to <paramref name="target"/> (tests build older stores with it).</summary>
    internal static void Apply(SqliteConnection connection, int target)
    {
        var current = Convert.ToInt32(Scalar(connection, "PRAGMA user_version"), System.Globalization.CultureInfo.InvariantCulture);
        if (current > Version)
        {
            throw new StoreFormatException($"the store was written by a newer Rollgate (schema {current}; this one knows up to {Version})");
        }

        if (current == 0 && Convert.ToInt64(Scalar(connection, "SELECT count(*) FROM sqlite_master"), System.Globalization.CultureInfo.InvariantCulture) > 0)
        {
            throw new StoreFormatException("the file is an SQLite database but not a Rollgate store");
        }

        // Migrations may call the store's own digest of a line.
        connection.CreateFunction("rollgate_digest", (string body) => EventDigest.Of(body), isDeterministic: true);
        for (var v = current; v < target; v++)
        {
            using var tx = connection.BeginTransaction();
            using (var cmd = connection.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = Migrations[v] + $"\nPRAGMA user_version = {v + 1};";
                cmd.ExecuteNonQuery();
            }

            tx.Commit();
        }
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }
}

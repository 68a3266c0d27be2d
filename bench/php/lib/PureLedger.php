<?php

declare(strict_types=1);

namespace CashbackBench;

use PDO;
use PDOStatement;

/**
 * The reference the extension is measured against: the ledger's batch
 * semantics written in plain PHP on PDO SQLite, the way a competent PHP
 * developer would write it. Benchmark code only, never part of the product.
 *
 * - the same schema (the ledger's own migrations) and the same connection
 *   settings: WAL, synchronous=FULL, the same cache and temp-store pragmas;
 * - one BEGIN IMMEDIATE transaction per batch, a SAVEPOINT per item, one commit;
 * - prepared statements created once and reused for every item;
 * - the same validation (amounts parsed from decimal text without floats,
 *   phone normalization, field rules, ISO 8601 dates), the same idempotency
 *   (duplicate vs external_id_conflict with the differing fields), balances,
 *   insufficient_balance, and release/reversal checks against their originals;
 * - the same result arrays as CashbackLedger::applyBatch() (messages aside),
 *   which bench/smoke.sh asserts item by item.
 */
final class PureLedger
{
    use LedgerRules;

    private PDO $db;
    private PDOStatement $findEntry;
    private PDOStatement $consumed;
    private PDOStatement $phoneOwners;
    private PDOStatement $balance;
    private PDOStatement $insertEntry;
    private PDOStatement $upsertAccount;

    public function __construct(string $path, private readonly int $zoneOffset = 3 * 3600)
    {
        $this->db = new PDO('sqlite:' . $path, null, null, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION, PDO::ATTR_TIMEOUT => 5]);
        $this->db->exec('PRAGMA journal_mode = WAL');
        $this->db->exec('PRAGMA synchronous = FULL; PRAGMA foreign_keys = OFF; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -16000');
        self::migrate($this->db);
        $this->findEntry = $this->db->prepare(
            'SELECT e.id, e.user_id, e.phone, e.kind, e.amount, o.external_id AS original
             FROM entries e LEFT JOIN entries o ON o.id = e.original_id WHERE e.external_id = ?'
        );
        $this->consumed = $this->db->prepare('SELECT coalesce(sum(abs(amount)), 0) FROM entries WHERE original_id = ?');
        $this->phoneOwners = $this->db->prepare('SELECT user_id, verified FROM phones WHERE phone = ?');
        $this->balance = $this->db->prepare('SELECT balance FROM accounts WHERE user_id = ?');
        $this->insertEntry = $this->db->prepare(
            'INSERT INTO entries (external_id, user_id, phone, kind, amount, original_id, source, store_id, description, created_at, recorded_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'
        );
        $this->upsertAccount = $this->db->prepare(
            'INSERT INTO accounts (user_id, balance, updated_at) VALUES (?, ?, ?)
             ON CONFLICT (user_id) DO UPDATE SET balance = excluded.balance, updated_at = excluded.updated_at'
        );
    }

    /** Creates the ledger's schema from its own migration files, as the extension does. */
    public static function migrate(PDO $db): void
    {
        $files = glob(dirname(__DIR__, 3) . '/crates/cashback-sqlite/migrations/*.sql');
        sort($files);
        $current = (int) $db->query('PRAGMA user_version')->fetchColumn();
        if ($current >= count($files)) {
            return;
        }
        $db->exec('BEGIN IMMEDIATE');
        foreach ($files as $index => $file) {
            if ($index + 1 > $current) {
                $db->exec(file_get_contents($file));
            }
        }
        $db->exec('PRAGMA user_version = ' . count($files));
        $db->exec('COMMIT');
    }

    /**
     * Applies a batch: each item in order, each in its own savepoint, one commit.
     *
     * @param list<mixed> $items
     * @return list<array> one result per item, as CashbackLedger::applyBatch()
     */
    public function applyBatch(array $items): array
    {
        $nowMs = (int) floor(microtime(true) * 1000);
        $now = intdiv($nowMs, 1000);
        $results = [];
        $this->db->exec('BEGIN IMMEDIATE');
        try {
            foreach ($items as $item) {
                $tx = $this->parse($item, $now);
                if (isset($tx['error'])) {
                    $results[] = self::rejection(is_array($item) && is_string($item['external_id'] ?? null) ? $item['external_id'] : null, $tx);
                    continue;
                }
                $this->db->exec('SAVEPOINT item');
                $result = $this->decide($tx, $nowMs);
                $this->db->exec($result['status'] === 'error' ? 'ROLLBACK TO item; RELEASE item' : 'RELEASE item');
                $results[] = $result;
            }
            $this->db->exec('COMMIT');
        } catch (\Throwable $e) {
            $this->db->exec('ROLLBACK');
            throw $e;
        }
        return $results;
    }

    // ------------------------------------------------------------ decisions

    private function decide(array $tx, int $nowMs): array
    {
        $this->findEntry->execute([$tx['external_id']]);
        $previous = $this->findEntry->fetch(PDO::FETCH_ASSOC);
        $this->findEntry->closeCursor();
        if ($previous !== false) {
            return $this->compareWith($previous, $tx);
        }
        $userId = $this->resolve($tx);
        if (is_string($userId)) {
            return self::rejection($tx['external_id'], ['error' => $userId]);
        }
        $originalId = null;
        if ($tx['original_external_id'] !== null) {
            $original = $this->checkOriginal($tx, $userId);
            if (isset($original['error'])) {
                return self::rejection($tx['external_id'], $original);
            }
            $originalId = $original['id'];
        }
        $this->balance->execute([$userId]);
        $balance = $this->balance->fetchColumn();
        $this->balance->closeCursor();
        $balance = $balance === false ? 0 : (int) $balance;
        if ($tx['kind'] === 2 && $balance < $tx['amount']) {
            return self::rejection($tx['external_id'], ['error' => 'insufficient_balance', 'balance' => self::toJson($balance)]);
        }
        $newBalance = $balance + ($tx['kind'] === 2 ? -$tx['amount'] : $tx['amount']);
        if (!is_int($newBalance)) {
            return self::rejection($tx['external_id'], ['error' => 'balance_overflow']);
        }
        $phone = $tx['user_phone'];
        $this->insertEntry->execute([
            $tx['external_id'], $userId, $phone, $tx['kind'], $tx['amount'], $originalId, $tx['source'],
            $tx['store_id'], $tx['description'], $tx['created_at'], $nowMs,
        ]);
        $id = (int) $this->db->lastInsertId();
        $this->upsertAccount->execute([$userId, $newBalance, $nowMs]);
        return [
            'external_id' => $tx['external_id'], 'status' => 'success', 'transaction_id' => $id,
            'user_id' => $userId, 'balance' => self::toJson($newBalance), 'negative_balance' => $newBalance < 0,
        ];
    }

    /** The customer's id, or an error code: the single verified owner of a phone, else its only owner. */
    private function resolve(array $tx): int|string
    {
        if ($tx['user_id'] !== null) {
            return $tx['user_id'];
        }
        $this->phoneOwners->execute([$tx['user_phone']]);
        $owners = $this->phoneOwners->fetchAll(PDO::FETCH_NUM);
        $verified = array_values(array_filter($owners, static fn (array $row): bool => (int) $row[1] === 1));
        if (count($verified) === 1) {
            return (int) $verified[0][0];
        }
        if ($verified === [] && count($owners) === 1) {
            return (int) $owners[0][0];
        }
        return $owners === [] ? 'user_not_found' : 'phone_ambiguous';
    }

    /** For a release or a reversal: the original after checking its kind, owner and what is left of it. */
    private function checkOriginal(array $tx, int $userId): array
    {
        $this->findEntry->execute([$tx['original_external_id']]);
        $original = $this->findEntry->fetch(PDO::FETCH_ASSOC);
        $this->findEntry->closeCursor();
        if ($original === false) {
            return ['error' => 'original_not_found'];
        }
        $expected = $tx['kind'] === 3 ? 2 : 1;
        if ((int) $original['kind'] !== $expected || (int) $original['amount'] < 0) {
            return ['error' => 'original_type_mismatch'];
        }
        if ((int) $original['user_id'] !== $userId) {
            return ['error' => 'original_user_mismatch'];
        }
        $this->consumed->execute([(int) $original['id']]);
        $remaining = (int) $original['amount'] - (int) $this->consumed->fetchColumn();
        $this->consumed->closeCursor();
        if (abs($tx['amount']) > $remaining) {
            return ['error' => 'exceeds_original', 'remaining' => self::toJson($remaining)];
        }
        return ['id' => (int) $original['id']];
    }
}

<?php

declare(strict_types=1);

namespace CashbackBench;

use PDO;
use PDOException;
use PDOStatement;

/**
 * The pure-PHP reference on MariaDB/MySQL: what the brief's controller
 * (../shared/seed/, CashbackApiController::addTransaction) does for every
 * item of a batch, written with plain PDO as a competent PHP developer would,
 * on the extension's own tables (crates/cashback-mysql/migrations, created
 * by the extension in bench/php/setup.php). Benchmark code only.
 *
 * Per item, as the brief's controller:
 * - validate (the ledger's rules, shared with PureLedger: LedgerRules);
 * - check: is the external_id already there? (a resend: duplicate, or
 *   external_id_conflict naming the differing fields);
 * - find the customer by phone;
 * - one transaction: the writers' lock row first (as the extension, so that
 *   entry ids and balances stay right with several writers), the original of
 *   a release or reversal and what is left of it, the balance (FOR UPDATE),
 *   insufficient_balance, the entry (id = MAX(id) + 1, as the ledger assigns
 *   them), the new balance; COMMIT. A duplicate key at the INSERT (another
 *   writer won the race since the check) is answered as a resend.
 *
 * So every accepted item is a commit of its own (one redo-log flush each), as
 * "each transaction is processed independently" in the brief. For comparison
 * only, $oneTransaction runs the same code in one transaction per batch (the
 * lock once, a savepoint per item, one commit), as PureLedger does on SQLite. PDO's defaults
 * otherwise (emulated prepares: one round trip per statement), statements
 * prepared once. The results are CashbackLedger::applyBatch()'s (messages
 * aside) and the tables end up the same, which mysql_batch_bench.php asserts.
 */
final class PureMysqlLedger
{
    use LedgerRules;

    /** The ledger's cap on a balance: 9,999,999,999,999.99 in kopecks. */
    private const MAX_BALANCE = 999_999_999_999_999;

    private PDO $db;
    private PDOStatement $findEntry;
    private PDOStatement $consumed;
    private PDOStatement $phoneOwners;
    private PDOStatement $lock;
    private PDOStatement $balance;
    private PDOStatement $nextId;
    private PDOStatement $insertEntry;
    private PDOStatement $upsertAccount;

    /** $url: mysql://user:password@host:port/database, the tables created by the extension. */
    public function __construct(
        string $url,
        private readonly bool $oneTransaction = false,
        string $prefix = 'local_cashback_',
        private readonly int $zoneOffset = 3 * 3600,
    ) {
        $this->db = Mysql::pdo($url);
        $this->db->exec("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'");
        $p = $prefix;
        $this->findEntry = $this->db->prepare(
            "SELECT e.id, e.user_id, e.phone, e.kind, e.amount, o.external_id AS original
             FROM {$p}entries e LEFT JOIN {$p}entries o ON o.id = e.original_id WHERE e.external_id = ?"
        );
        $this->consumed = $this->db->prepare("SELECT COALESCE(SUM(ABS(amount)), 0) FROM {$p}entries WHERE original_id = ?");
        $this->phoneOwners = $this->db->prepare("SELECT user_id, verified FROM {$p}phones WHERE phone = ?");
        $this->lock = $this->db->prepare("UPDATE {$p}writer SET commits = commits + 1 WHERE id = 1");
        $this->balance = $this->db->prepare("SELECT balance FROM {$p}accounts WHERE user_id = ? FOR UPDATE");
        $this->nextId = $this->db->prepare("SELECT COALESCE(MAX(id), 0) + 1 FROM {$p}entries");
        $this->insertEntry = $this->db->prepare(
            "INSERT INTO {$p}entries (id, external_id, user_id, phone, kind, amount, original_id, source, store_id, description,
                                      created_at, recorded_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        );
        $this->upsertAccount = $this->db->prepare(
            "INSERT INTO {$p}accounts (user_id, balance, updated_at) VALUES (?, ?, ?)
             ON DUPLICATE KEY UPDATE balance = VALUES(balance), updated_at = VALUES(updated_at)"
        );
    }

    /**
     * Applies a batch item by item: each accepted item in a transaction of its
     * own, or (with $oneTransaction) all of them in one, a savepoint per item.
     *
     * @param list<mixed> $items
     * @return list<array> one result per item, as CashbackLedger::applyBatch()
     */
    public function applyBatch(array $items): array
    {
        $results = [];
        if (!$this->oneTransaction) {
            foreach ($items as $item) {
                $results[] = $this->apply($item);
            }
            return $results;
        }
        $this->db->beginTransaction();
        try {
            $this->lock->execute();
            foreach ($items as $item) {
                $results[] = $this->apply($item, true);
            }
            $this->db->commit();
        } catch (\Throwable $e) {
            $this->db->rollBack();
            throw $e;
        }
        return $results;
    }

    /** One item, as the brief's addTransaction(); $inBatch: inside applyBatch()'s one transaction. */
    public function apply(mixed $item, bool $inBatch = false): array
    {
        $nowMs = (int) floor(microtime(true) * 1000);
        $tx = $this->parse($item, intdiv($nowMs, 1000));
        if (isset($tx['error'])) {
            return self::rejection(is_array($item) && is_string($item['external_id'] ?? null) ? $item['external_id'] : null, $tx);
        }
        // Idempotency: the check before the transaction, as in the brief.
        $previous = $this->find($tx['external_id']);
        if ($previous !== null) {
            return $this->compareWith($previous, $tx);
        }
        $userId = $this->resolve($tx);
        if (is_string($userId)) {
            return self::rejection($tx['external_id'], ['error' => $userId]);
        }
        if ($inBatch) {
            $this->db->exec('SAVEPOINT item');
            $result = $this->write($tx, $userId, $nowMs);
            $this->db->exec($result['status'] === 'success' ? 'RELEASE SAVEPOINT item' : 'ROLLBACK TO SAVEPOINT item');
            return $result;
        }
        $this->db->beginTransaction();
        try {
            $this->lock->execute();
            $result = $this->write($tx, $userId, $nowMs);
            if ($result['status'] === 'success') {
                $this->db->commit();
            } else {
                $this->db->rollBack();
            }
            return $result;
        } catch (PDOException $e) {
            $this->db->rollBack();
            if (($e->errorInfo[1] ?? null) === 1062 && ($previous = $this->find($tx['external_id'])) !== null) {
                return $this->compareWith($previous, $tx); // another writer stored it since the check
            }
            throw $e;
        } catch (\Throwable $e) {
            $this->db->rollBack();
            throw $e;
        }
    }

    /** Inside the item's transaction (the writers' lock held): the checks that need the current balance, the writes. */
    private function write(array $tx, int $userId, int $nowMs): array
    {
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
        if (abs($newBalance) > self::MAX_BALANCE) {
            return self::rejection($tx['external_id'], ['error' => 'balance_overflow']);
        }
        $this->nextId->execute();
        $id = (int) $this->nextId->fetchColumn();
        $this->nextId->closeCursor();
        $this->insertEntry->execute([
            $id, $tx['external_id'], $userId, $tx['user_phone'], $tx['kind'], $tx['amount'], $originalId, $tx['source'],
            $tx['store_id'], $tx['description'], $tx['created_at'], $nowMs,
        ]);
        $this->upsertAccount->execute([$userId, $newBalance, $nowMs]);
        return [
            'external_id' => $tx['external_id'], 'status' => 'success', 'transaction_id' => $id,
            'user_id' => $userId, 'balance' => self::toJson($newBalance), 'negative_balance' => $newBalance < 0,
        ];
    }

    private function find(string $externalId): ?array
    {
        $this->findEntry->execute([$externalId]);
        $row = $this->findEntry->fetch(PDO::FETCH_ASSOC);
        $this->findEntry->closeCursor();
        return $row === false ? null : $row;
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
        $original = $this->find($tx['original_external_id']);
        if ($original === null) {
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

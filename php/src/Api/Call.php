<?php

declare(strict_types=1);

namespace Cashback\Api;

use Cashback\Codes;

/**
 * One API call in progress: the request, its client once authenticated, and
 * the sync-log entry every answer leaves behind.
 */
final class Call
{
    /** @var array{id: int, name: string, store_id: ?string}|null */
    public ?array $client = null;

    public function __construct(public readonly Request $request, private readonly int $startedNs)
    {
    }

    /**
     * The store the key is bound to: the log and store monitoring attribute the call to it,
     * and its writes may name no other store. A key without one (the 1C central base) has none.
     */
    public function store(): ?string
    {
        return $this->client['store_id'] ?? null;
    }

    /** The context that makes the ledger log a write in the same commit and apply the key's store binding. */
    public function context(string $endpoint): array
    {
        return ['endpoint' => $endpoint, 'client' => $this->client['name'] ?? null, 'store_id' => $this->store()];
    }

    /**
     * Writes the call to the sync log (never the key), then returns the response unchanged.
     * The answer matters more than its log line: a log write that fails (the database is
     * busy or read-only) goes to the server log instead of failing a read that succeeded.
     */
    public function logged(\CashbackLedger $ledger, Response $response): Response
    {
        $error = $response->status >= 400 ? (string) ($response->body['error'] ?? 'error') : null;
        try {
            $this->writeLog($ledger, $error, $response->status);
        } catch (\CashbackException $e) {
            error_log("cashback api: sync log not written for {$this->request->path}: {$e->getErrorCode()}: {$e->getMessage()}");
        }
        return $response;
    }

    /**
     * The sync-log status of an answer: success, or for an error the log status the
     * vocabulary gives that HTTP status (unauthorized 401, forbidden 403, throttled 429,
     * so an operator can filter refused authentication), else error.
     */
    public static function logStatus(?string $error, int $httpStatus): string
    {
        if ($error === null) {
            return 'success';
        }
        foreach (Codes::logStatuses() as $status) {
            if (Codes::get($status)['http_status'] === $httpStatus && $httpStatus >= 400) {
                return $status;
            }
        }
        return 'error';
    }

    private function writeLog(\CashbackLedger $ledger, ?string $error, int $status): void
    {
        $entry = [
            'endpoint' => $this->request->path,
            'client' => $this->client['name'] ?? null,
            'store_id' => $this->store(),
            'status' => self::logStatus($error, $status),
            'error' => $error,
            'duration_ms' => intdiv(hrtime(true) - $this->startedNs, 1_000_000),
        ];
        // A successful read's row rides on a later commit (within about a second): reads
        // must not queue behind the single writer. Refusals and errors are written at once.
        $error === null ? $ledger->logRead($entry) : $ledger->logSync($entry);
    }
}

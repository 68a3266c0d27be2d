<?php

declare(strict_types=1);

namespace Cashback\Api;

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

    /** Who the log and store monitoring attribute this call to: the key's store, else its name. */
    public function store(): ?string
    {
        return $this->client === null ? null : ($this->client['store_id'] ?? $this->client['name']);
    }

    /** The context that makes the ledger log a write in the same commit. */
    public function context(string $endpoint): array
    {
        return ['endpoint' => $endpoint, 'client' => $this->client['name'] ?? null, 'store_id' => $this->store()];
    }

    /** Writes the call to the sync log (never the key), then returns the response unchanged. */
    public function logged(\CashbackLedger $ledger, Response $response): Response
    {
        $error = $response->status >= 400 ? (string) ($response->body['error'] ?? 'error') : null;
        $ledger->logSync([
            'endpoint' => $this->request->path,
            'client' => $this->client['name'] ?? null,
            'store_id' => $this->store(),
            'status' => $error === null ? 'success' : ($response->status === 401 ? 'unauthorized' : 'error'),
            'error' => $error,
            'duration_ms' => intdiv(hrtime(true) - $this->startedNs, 1_000_000),
        ]);
        return $response;
    }
}

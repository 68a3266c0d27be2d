<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Admin;

/** How far a phone reindex got; saved after every user, so a run can resume. */
final class ReindexState
{
    public const MAX_ERRORS = 20;

    /** @param list<array{user_id: int, message: string}> $errors the first MAX_ERRORS failures */
    public function __construct(
        public readonly int $lastId = 0,
        public readonly int $processed = 0,
        public readonly int $failed = 0,
        public readonly int $total = 0,
        public readonly int $startedAt = 0,
        public readonly ?int $finishedAt = null,
        public readonly array $errors = [],
    ) {
    }

    /** @param array<string, mixed> $data what toArray() saved; null when it is not a reindex state */
    public static function fromArray(array $data): ?self
    {
        if (!isset($data['last_id'], $data['started_at'])) {
            return null;
        }
        $errors = [];
        foreach ((array) ($data['errors'] ?? []) as $error) {
            if (is_array($error) && isset($error['user_id'])) {
                $errors[] = ['user_id' => (int) $error['user_id'], 'message' => (string) ($error['message'] ?? '')];
            }
        }
        return new self(
            (int) $data['last_id'],
            (int) ($data['processed'] ?? 0),
            (int) ($data['failed'] ?? 0),
            (int) ($data['total'] ?? 0),
            (int) $data['started_at'],
            isset($data['finished_at']) ? (int) $data['finished_at'] : null,
            array_slice($errors, 0, self::MAX_ERRORS),
        );
    }

    /** @return array<string, mixed> */
    public function toArray(): array
    {
        return [
            'last_id' => $this->lastId,
            'processed' => $this->processed,
            'failed' => $this->failed,
            'total' => $this->total,
            'started_at' => $this->startedAt,
            'finished_at' => $this->finishedAt,
            'errors' => $this->errors,
        ];
    }

    public function finished(): bool
    {
        return $this->finishedAt !== null;
    }

    /** Users handled so far, whether their sync worked or failed. */
    public function done(): int
    {
        return $this->processed + $this->failed;
    }

    /**
     * The progress bar's total: the user count taken at the start, raised if
     * users registered since then pushed the count past it.
     */
    public function progressTotal(): int
    {
        return max($this->total, $this->done());
    }

    public function afterUser(int $userId, ?string $error): self
    {
        $errors = $this->errors;
        if ($error !== null && count($errors) < self::MAX_ERRORS) {
            $errors[] = ['user_id' => $userId, 'message' => mb_substr($error, 0, 300)];
        }
        return new self(
            $userId,
            $this->processed + ($error === null ? 1 : 0),
            $this->failed + ($error === null ? 0 : 1),
            $this->total,
            $this->startedAt,
            null,
            $errors,
        );
    }

    public function finish(int $at): self
    {
        return new self($this->lastId, $this->processed, $this->failed, $this->total, $this->startedAt, $at, $this->errors);
    }
}

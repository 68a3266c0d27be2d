<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Admin;

use Retaillab\Cashback\Agent\StateStore;

/**
 * Re-reads every user's phones into the ledger, in steps a web request can
 * finish: each step takes the next users (ids after the last one done, up to
 * $batchSize) and stops early when its time budget is spent. The state is
 * saved after every user, so an interrupted step (a timeout, a closed
 * browser, a fatal error) resumes with the first user not done: every user
 * is synced exactly once per run.
 *
 * A user whose sync throws an Exception is counted as failed (with the first
 * messages kept) and the run goes on. A fault of the ledger's database
 * (database_busy, database_full, …) is not the user's: it ends the step with
 * that user still pending, as does an Error (a PHP fault), like an
 * interruption; the next step retries the user.
 */
final class Reindexer
{
    public const BATCH_SIZE = 200;
    public const TIME_BUDGET = 20.0;

    /** @var callable(int): void */
    private $syncUser;

    /** @var callable(): float */
    private $clock;

    /**
     * @param callable(int $userId): void $syncUser e.g. PhoneSync::syncUser
     * @param (callable(): float)|null $clock seconds, microtime(true) by default
     */
    public function __construct(
        private readonly UserIdSource $users,
        callable $syncUser,
        private readonly StateStore $store,
        private readonly int $batchSize = self::BATCH_SIZE,
        private readonly float $timeBudget = self::TIME_BUDGET,
        ?callable $clock = null,
    ) {
        $this->syncUser = $syncUser;
        $this->clock = $clock ?? static fn (): float => microtime(true);
    }

    /** The saved run, or null when none was started (or it was reset). */
    public function state(): ?ReindexState
    {
        return ReindexState::fromArray($this->store->load());
    }

    /** Starts a new run from the first user, forgetting any previous one. */
    public function start(): ReindexState
    {
        $state = new ReindexState(0, 0, 0, $this->users->count(), (int) ($this->clock)());
        $this->store->save($state->toArray());
        return $state;
    }

    public function reset(): void
    {
        $this->store->clear();
    }

    /**
     * Runs one step of the saved run (starting one when there is none).
     * Returns the state after it; finished() once no user is left.
     */
    public function step(): ReindexState
    {
        $state = $this->state() ?? $this->start();
        if ($state->finished()) {
            return $state;
        }
        $deadline = ($this->clock)() + $this->timeBudget;
        $ids = $this->users->idsAfter($state->lastId, $this->batchSize);
        if ($ids === []) {
            $state = $state->finish((int) ($this->clock)());
            $this->store->save($state->toArray());
            return $state;
        }
        foreach ($ids as $index => $userId) {
            $error = null;
            try {
                ($this->syncUser)($userId);
            } catch (\Exception $e) {
                if (self::isSystemic($e)) {
                    throw $e;
                }
                $error = $e instanceof \CashbackException ? $e->getErrorCode() . ': ' . $e->getMessage() : $e->getMessage();
            }
            $state = $state->afterUser($userId, $error);
            if ($index === count($ids) - 1 && count($ids) < $this->batchSize) {
                // A short page: there was no user after this one when the step began.
                $state = $state->finish((int) ($this->clock)());
            }
            $this->store->save($state->toArray());
            if (($this->clock)() >= $deadline) {
                break;
            }
        }
        return $state;
    }

    /** A failure of the ledger's storage, not of the user: no point going on to the next user. */
    private static function isSystemic(\Exception $e): bool
    {
        return $e instanceof \CashbackException
            && (str_starts_with($e->getErrorCode(), 'database_') || $e->getErrorCode() === 'schema_too_new');
    }
}

<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Settings;

/** What a POST to the settings page did, for the page to show. */
final class Outcome
{
    public const SAVE = 'save';
    public const CREATE_KEY = 'create_key';
    public const REVOKE_KEY = 'revoke_key';

    /** One of the constants above, or '' when nothing was submitted. */
    public string $action = '';

    /** The options were saved (the page redirects, Post/Redirect/Get). */
    public bool $saved = false;

    /** @var array<string, string> option name (or '' for the page) => localized message */
    public array $errors = [];

    /** @var array<string, string> The submitted form, shown again when it had errors. */
    public array $input = [];

    /** The form carried the access-rights tab (group_rights.php's GROUPS[]), saved or not with the settings. */
    public bool $rightsSubmitted = false;

    /**
     * The key just created, secret included. It exists only in this response:
     * the ledger keeps a hash, and the page never redirects after creating a key.
     *
     * @var array{id: int, name: string, store_id: ?string, key: string}|null
     */
    public ?array $createdKey = null;

    /** Id of the key just revoked. */
    public ?int $revokedKey = null;

    public function failed(): bool
    {
        return $this->errors !== [];
    }
}

<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Install;

/** What an install or uninstall did: localized notes for the admin, and errors. */
final class Report
{
    /** @var list<string> */
    public array $notes = [];

    /** @var list<string> */
    public array $errors = [];

    /** @var list<string> Localized: done, but something needs the admin (shown apart from the notes). */
    public array $warnings = [];

    public function ok(): bool
    {
        return $this->errors === [];
    }
}

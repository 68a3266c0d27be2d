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

    public function ok(): bool
    {
        return $this->errors === [];
    }
}

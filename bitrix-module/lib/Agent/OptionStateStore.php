<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Agent;

use Bitrix\Main\Config\Option;

/**
 * StateStore on one module option holding JSON. An option, not the session:
 * agents have no session, and a reindex must resume after the session expires
 * or from another administrator's browser.
 */
final class OptionStateStore implements StateStore
{
    public function __construct(private readonly string $moduleId, private readonly string $name)
    {
    }

    public function load(): array
    {
        $json = Option::get($this->moduleId, $this->name, '');
        if ($json === '') {
            return [];
        }
        try {
            $state = json_decode($json, true, 32, JSON_THROW_ON_ERROR);
        } catch (\JsonException) {
            return [];
        }
        return is_array($state) ? $state : [];
    }

    public function save(array $state): void
    {
        Option::set($this->moduleId, $this->name, json_encode($state, JSON_THROW_ON_ERROR | JSON_UNESCAPED_UNICODE));
    }

    public function clear(): void
    {
        Option::delete($this->moduleId, ['name' => $this->name]);
    }
}

<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Settings;

use Bitrix\Main\Localization\Loc;
use Retaillab\Cashback\Ledger\DatabaseUrl;
use Retaillab\Cashback\Ledger\LedgerFactory;
use Retaillab\Cashback\Ledger\SiteConnection;
use Retaillab\Cashback\Module;
use Retaillab\Cashback\Options;

Loc::loadMessages(__FILE__);

/**
 * The module settings page (options.php) without its Bitrix frame: handling of
 * the submitted form and the HTML of each tab. options.php supplies what only
 * Bitrix knows (the user's access level, the CSRF check, CAdminTabControl, the
 * access-rights tab) and prints what this class returns.
 *
 * Access: R shows everything read-only, W may save and manage API keys.
 */
final class SettingsPage
{
    /** Name of the hidden field that selects an API-key action (the Save/Apply buttons leave it empty). */
    public const ACTION_FIELD = 'retaillab_action';
    public const KEY_ID_FIELD = 'retaillab_key_id';
    public const KEY_NAME_FIELD = 'retaillab_key_name';
    public const KEY_STORE_FIELD = 'retaillab_key_store';
    public const KEY_NETWORKS_FIELD = 'retaillab_key_networks';

    public function __construct(private readonly string $right)
    {
    }

    public function canRead(): bool
    {
        return Module::allows($this->right, Module::RIGHT_READ);
    }

    public function canWrite(): bool
    {
        return Module::allows($this->right, Module::RIGHT_WRITE);
    }

    /**
     * Handles a request to the page.
     *
     * @param array<string, mixed> $post
     * @param bool $sessidValid check_bitrix_sessid() of this request.
     */
    public function handle(string $method, #[\SensitiveParameter] array $post, bool $sessidValid): Outcome
    {
        $outcome = new Outcome();
        if (strtoupper($method) !== 'POST') {
            return $outcome;
        }
        $action = is_string($post[self::ACTION_FIELD] ?? null) ? $post[self::ACTION_FIELD] : '';
        if ($action === '' && (isset($post['Update']) || isset($post['Apply']))) {
            $action = Outcome::SAVE;
        }
        if (!in_array($action, [Outcome::SAVE, Outcome::CREATE_KEY, Outcome::REVOKE_KEY], true)) {
            return $outcome;
        }
        $outcome->action = $action;
        $outcome->input = array_map(static fn ($v) => is_string($v) ? $v : '', $post);
        $outcome->rightsSubmitted = $action === Outcome::SAVE && isset($post['GROUPS']);
        if (!$this->canWrite()) {
            $outcome->errors[''] = (string) Loc::getMessage('RETAILLAB_CASHBACK_SETTINGS_ACCESS_DENIED');
            return $outcome;
        }
        if (!$sessidValid) {
            $outcome->errors[''] = (string) Loc::getMessage('RETAILLAB_CASHBACK_SETTINGS_SESSION_EXPIRED');
            return $outcome;
        }
        match ($action) {
            Outcome::SAVE => $this->save($post, $outcome),
            Outcome::CREATE_KEY => $this->createKey($post, $outcome),
            Outcome::REVOKE_KEY => $this->revokeKey($post, $outcome),
        };
        return $outcome;
    }

    /** @return list<array{type: string, message: string, details: string}> Messages above the tabs. */
    public function messages(Outcome $outcome): array
    {
        $messages = [];
        if ($outcome->failed()) {
            $details = $outcome->errors;
            if ($outcome->rightsSubmitted) {
                // The settings page saves the rights only with the settings (options.php).
                $details[] = (string) Loc::getMessage('RETAILLAB_CASHBACK_SETTINGS_RIGHTS_NOT_SAVED');
            }
            $messages[] = [
                'type' => 'ERROR',
                'message' => (string) Loc::getMessage('RETAILLAB_CASHBACK_SETTINGS_ERRORS'),
                'details' => implode("\n", $details),
            ];
        }
        if ($outcome->createdKey !== null) {
            $messages[] = [
                'type' => 'OK',
                'message' => (string) Loc::getMessage('RETAILLAB_CASHBACK_KEYS_CREATED', ['#NAME#' => $outcome->createdKey['name']]),
                'details' => (string) Loc::getMessage('RETAILLAB_CASHBACK_KEYS_CREATED_DETAILS'),
            ];
        }
        if ($outcome->revokedKey !== null) {
            $messages[] = [
                'type' => 'OK',
                'message' => (string) Loc::getMessage('RETAILLAB_CASHBACK_KEYS_REVOKED', ['#ID#' => $outcome->revokedKey]),
                'details' => '',
            ];
        }
        return $messages;
    }

    /**
     * Rows (<tr>) of one options tab, for CAdminTabControl: the stored values,
     * or the submitted ones when the form had errors. The storage tab starts with
     * the state of the ledger as the stored options open it. No password is ever
     * put into the HTML: the password field stays empty, URLs are shown without it.
     */
    public function renderOptionsTab(string $tab, Outcome $outcome): string
    {
        $values = $outcome->action === Outcome::SAVE && $outcome->failed() ? $outcome->input + OptionFields::current() : OptionFields::current();
        $disabled = $this->canWrite() ? '' : ' disabled';
        $html = $tab === OptionFields::TAB_STORAGE ? $this->renderStorageStatus() : '';
        foreach (OptionFields::all() as $name => $field) {
            if ($field['tab'] !== $tab) {
                continue;
            }
            $id = 'retaillab_cashback_' . $name;
            $value = (string) ($values[$name] ?? '');
            $input = match ($field['type']) {
                OptionFields::TYPE_CHECKBOX => '<input type="hidden" name="' . Html::e($name) . '" value="N"' . $disabled . '>'
                    . '<input type="checkbox" id="' . Html::e($id) . '" name="' . Html::e($name) . '" value="Y"'
                    . ($value === 'Y' ? ' checked' : '') . $disabled . '>',
                OptionFields::TYPE_STORE_HOURS => '<textarea id="' . Html::e($id) . '" name="' . Html::e($name) . '" rows="5" cols="40"' . $disabled . '>'
                    . Html::e($value) . '</textarea>',
                OptionFields::TYPE_STORAGE_MODE => self::select($id, $name, OptionFields::modes(), $value, $disabled),
                // Typed text comes back only without its password, and only if it reads as a URL.
                OptionFields::TYPE_DATABASE_URL => '<input type="text" id="' . Html::e($id) . '" name="' . Html::e($name) . '" value="'
                    . Html::e(DatabaseUrl::displayable($value)) . '" size="60" autocomplete="off" spellcheck="false"' . $disabled . '>',
                OptionFields::TYPE_PASSWORD => '<input type="password" id="' . Html::e($id) . '" name="' . Html::e($name) . '" value=""'
                    . ' size="30" autocomplete="new-password"' . $disabled . '>',
                default => '<input type="text" id="' . Html::e($id) . '" name="' . Html::e($name) . '" value="' . Html::e($value) . '"'
                    . ($name === Options::DATABASE_PATH ? ' size="60"' : ' size="30"')
                    . ($name === Options::TIMEZONE ? ' list="retaillab_cashback_timezones"' : '') . $disabled . '>',
            };
            if ($name === Options::TIMEZONE) {
                $input .= '<datalist id="retaillab_cashback_timezones">';
                foreach (OptionFields::TIMEZONES as $zone) {
                    $input .= '<option value="' . Html::e($zone) . '">';
                }
                $input .= '</datalist>';
            }
            $hint = $field['hint'];
            if ($name === Options::DATABASE_MODE) {
                $hint .= ' ' . self::siteDatabaseHint();
            }
            if ($name === Options::DATABASE_PATH) {
                $hint .= ' ' . (Options::databaseMode() === Options::MODE_SQLITE
                    ? Loc::getMessage('RETAILLAB_CASHBACK_OPT_DATABASE_PATH_RESOLVED', ['#PATH#' => DatabaseUrl::shown(Options::databasePath())])
                    : Loc::getMessage('RETAILLAB_CASHBACK_OPT_DATABASE_PATH_UNUSED', ['#PATH#' => DatabaseUrl::shown(Options::databasePath())]));
            }
            if ($name === Options::DATABASE_PASSWORD) {
                $hint .= ' ' . (Options::databasePassword() !== ''
                    ? Loc::getMessage('RETAILLAB_CASHBACK_OPT_DATABASE_PASSWORD_STORED')
                    : Loc::getMessage('RETAILLAB_CASHBACK_OPT_DATABASE_PASSWORD_NONE'));
            }
            if ($name === Options::MAX_BODY_BYTES) {
                $hint .= ' ' . Loc::getMessage('RETAILLAB_CASHBACK_OPT_MAX_BODY_BYTES_PHP', ['#POST_MAX_SIZE#' => (string) ini_get('post_max_size')]);
            }
            $error = $outcome->errors[$name] ?? null;
            $html .= '<tr><td width="40%" class="adm-detail-content-cell-l"><label for="' . Html::e($id) . '">' . Html::e($field['label']) . ':</label></td>'
                . '<td width="60%" class="adm-detail-content-cell-r">' . $input
                . ($error !== null ? '<div class="retaillab-cashback-error" style="color:#c00">' . Html::e($error) . '</div>' : '')
                . '<div class="retaillab-cashback-hint" style="color:#777">' . Html::e($hint) . '</div></td></tr>';
        }
        return $html;
    }

    /**
     * The storage tab's first row: the ledger as the stored options open it, with
     * its backend, location (never a password) and schema, or the code of the
     * error it fails with.
     */
    public function renderStorageStatus(): string
    {
        $location = '';
        try {
            $location = LedgerFactory::describe()['location'];
            $health = LedgerFactory::open()->health();
            $text = (string) Loc::getMessage('RETAILLAB_CASHBACK_STORAGE_STATUS_OK', [
                '#BACKEND#' => (string) $health['backend'],
                '#LOCATION#' => $location,
                '#SCHEMA#' => (string) $health['schema_version'],
                '#ENTRIES#' => (string) $health['entries'],
            ]);
            $style = 'color:#080';
        } catch (\CashbackException $e) {
            $text = (string) Loc::getMessage('RETAILLAB_CASHBACK_STORAGE_STATUS_ERROR', [
                '#LOCATION#' => $location !== '' ? $location : (OptionFields::modes()[Options::databaseMode()] ?? ''),
                '#ERROR#' => $e->getErrorCode() . ': ' . $e->getMessage(),
            ]);
            $style = 'color:#c00';
        }
        return '<tr><td width="40%" class="adm-detail-content-cell-l">' . Html::e((string) Loc::getMessage('RETAILLAB_CASHBACK_STORAGE_STATUS')) . ':</td>'
            . '<td width="60%" class="adm-detail-content-cell-r"><div id="retaillab_cashback_storage_status" style="' . $style . '">' . Html::e($text) . '</div></td></tr>';
    }

    /** What the site's own database is, for the hint of the storage choice: its location, or why it cannot hold the ledger. */
    private static function siteDatabaseHint(): string
    {
        try {
            return (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_DATABASE_MODE_SITE_NOW', ['#LOCATION#' => DatabaseUrl::location(SiteConnection::url())]);
        } catch (\CashbackException $e) {
            return (string) Loc::getMessage('RETAILLAB_CASHBACK_OPT_DATABASE_MODE_SITE_UNUSABLE', ['#ERROR#' => $e->getMessage()]);
        }
    }

    /** @param array<string, string> $options value => label */
    private static function select(string $id, string $name, array $options, string $value, string $disabled): string
    {
        $html = '<select id="' . Html::e($id) . '" name="' . Html::e($name) . '"' . $disabled . '>';
        foreach ($options as $option => $label) {
            $html .= '<option value="' . Html::e($option) . '"' . ($option === $value ? ' selected' : '') . '>' . Html::e($label) . '</option>';
        }
        return $html . '</select>';
    }

    /** Rows (<tr>) of the API keys tab: the key just created, the create form (W), the list (no secrets). */
    public function renderKeysTab(Outcome $outcome): string
    {
        $html = '<tr><td colspan="2"><input type="hidden" name="' . self::ACTION_FIELD . '" value="">'
            . '<input type="hidden" name="' . self::KEY_ID_FIELD . '" value="">';
        if ($outcome->createdKey !== null) {
            $html .= '<div class="adm-info-message-wrap adm-info-message-green"><div class="adm-info-message">'
                . '<p><b>' . Html::e((string) Loc::getMessage('RETAILLAB_CASHBACK_KEYS_SECRET_ONCE')) . '</b></p>'
                . '<p><input type="text" readonly size="90" onclick="this.select()" id="retaillab_cashback_new_key" value="'
                . Html::e($outcome->createdKey['key']) . '"></p></div></div>';
        }
        $html .= '</td></tr>';

        try {
            $ledger = LedgerFactory::open();
            $keys = $ledger->listApiKeys();
            $stores = array_column($ledger->storeActivity(), 'store_id');
        } catch (\CashbackException $e) {
            return $html . '<tr><td colspan="2" style="color:#c00">' . Html::e((string) Loc::getMessage('RETAILLAB_CASHBACK_KEYS_LEDGER_ERROR', [
                '#ERROR#' => $e->getErrorCode() . ': ' . $e->getMessage(),
            ])) . '</td></tr>';
        }

        if ($this->canWrite()) {
            $input = $outcome->action === Outcome::CREATE_KEY && $outcome->failed() ? $outcome->input : [];
            $html .= '<tr class="heading"><td colspan="2">' . Html::e((string) Loc::getMessage('RETAILLAB_CASHBACK_KEYS_CREATE_HEADING')) . '</td></tr>'
                . '<tr><td width="40%" class="adm-detail-content-cell-l"><label for="' . self::KEY_NAME_FIELD . '">'
                . Html::e((string) Loc::getMessage('RETAILLAB_CASHBACK_KEYS_NAME')) . ':</label></td>'
                . '<td width="60%" class="adm-detail-content-cell-r"><input type="text" size="40" maxlength="64" id="' . self::KEY_NAME_FIELD
                . '" name="' . self::KEY_NAME_FIELD . '" value="' . Html::e($input[self::KEY_NAME_FIELD] ?? '') . '"></td></tr>'
                . '<tr><td class="adm-detail-content-cell-l"><label for="' . self::KEY_STORE_FIELD . '">'
                . Html::e((string) Loc::getMessage('RETAILLAB_CASHBACK_KEYS_STORE')) . ':</label></td>'
                . '<td class="adm-detail-content-cell-r"><input type="text" size="40" maxlength="64" list="retaillab_cashback_stores" id="'
                . self::KEY_STORE_FIELD . '" name="' . self::KEY_STORE_FIELD . '" value="' . Html::e($input[self::KEY_STORE_FIELD] ?? '') . '">'
                . '<datalist id="retaillab_cashback_stores">';
            foreach ($stores as $store) {
                $html .= '<option value="' . Html::e((string) $store) . '">';
            }
            $html .= '</datalist><div style="color:#777">' . Html::e((string) Loc::getMessage('RETAILLAB_CASHBACK_KEYS_STORE_HINT')) . '</div></td></tr>'
                . '<tr><td class="adm-detail-content-cell-l"><label for="' . self::KEY_NETWORKS_FIELD . '">'
                . Html::e((string) Loc::getMessage('RETAILLAB_CASHBACK_KEYS_NETWORKS')) . ':</label></td>'
                . '<td class="adm-detail-content-cell-r"><input type="text" size="60" id="' . self::KEY_NETWORKS_FIELD
                . '" name="' . self::KEY_NETWORKS_FIELD . '" value="' . Html::e($input[self::KEY_NETWORKS_FIELD] ?? '') . '">'
                . '<div style="color:#777">' . Html::e((string) Loc::getMessage('RETAILLAB_CASHBACK_KEYS_NETWORKS_HINT')) . '</div></td></tr>'
                . '<tr><td></td><td><input type="button" class="adm-btn-save" value="' . Html::e((string) Loc::getMessage('RETAILLAB_CASHBACK_KEYS_CREATE')) . '"'
                . ' onclick="' . Html::e(self::submitScript(Outcome::CREATE_KEY, null, null)) . '"></td></tr>';
        }

        $html .= '<tr class="heading"><td colspan="2">' . Html::e((string) Loc::getMessage('RETAILLAB_CASHBACK_KEYS_LIST_HEADING')) . '</td></tr>'
            . '<tr><td colspan="2">';
        if ($keys === []) {
            return $html . Html::e((string) Loc::getMessage('RETAILLAB_CASHBACK_KEYS_NONE')) . '</td></tr>';
        }
        $html .= '<table class="internal" width="100%"><tr class="heading">'
            . '<td>ID</td>'
            . '<td>' . Html::e((string) Loc::getMessage('RETAILLAB_CASHBACK_KEYS_NAME')) . '</td>'
            . '<td>' . Html::e((string) Loc::getMessage('RETAILLAB_CASHBACK_KEYS_STORE')) . '</td>'
            . '<td>' . Html::e((string) Loc::getMessage('RETAILLAB_CASHBACK_KEYS_PREFIX')) . '</td>'
            . '<td>' . Html::e((string) Loc::getMessage('RETAILLAB_CASHBACK_KEYS_NETWORKS')) . '</td>'
            . '<td>' . Html::e((string) Loc::getMessage('RETAILLAB_CASHBACK_KEYS_CREATED_AT')) . '</td>'
            . '<td>' . Html::e((string) Loc::getMessage('RETAILLAB_CASHBACK_KEYS_STATUS')) . '</td>'
            . ($this->canWrite() ? '<td></td>' : '')
            . '</tr>';
        foreach ($keys as $key) {
            $status = $key['active']
                ? (string) Loc::getMessage('RETAILLAB_CASHBACK_KEYS_ACTIVE')
                : (string) Loc::getMessage('RETAILLAB_CASHBACK_KEYS_REVOKED_AT', ['#DATE#' => (string) $key['revoked_at']]);
            $html .= '<tr>'
                . '<td>' . (int) $key['id'] . '</td>'
                . '<td>' . Html::e($key['name']) . '</td>'
                . '<td>' . Html::e($key['store_id'] ?? (string) Loc::getMessage('RETAILLAB_CASHBACK_KEYS_CENTRAL')) . '</td>'
                . '<td><code>' . Html::e($key['prefix']) . '_…</code></td>'
                . '<td>' . Html::e(($key['allowed_networks'] ?? []) !== []
                    ? implode(', ', $key['allowed_networks'])
                    : (string) Loc::getMessage('RETAILLAB_CASHBACK_KEYS_NETWORKS_ANY')) . '</td>'
                . '<td>' . Html::e($key['created_at']) . '</td>'
                . '<td>' . Html::e($status) . '</td>';
            if ($this->canWrite()) {
                $confirm = (string) Loc::getMessage('RETAILLAB_CASHBACK_KEYS_REVOKE_CONFIRM', ['#NAME#' => $key['name']]);
                $html .= '<td>' . ($key['active']
                    ? '<input type="button" value="' . Html::e((string) Loc::getMessage('RETAILLAB_CASHBACK_KEYS_REVOKE')) . '"'
                        . ' onclick="' . Html::e(self::submitScript(Outcome::REVOKE_KEY, (int) $key['id'], $confirm)) . '">'
                    : '') . '</td>';
            }
            $html .= '</tr>';
        }
        return $html . '</table></td></tr>';
    }

    private function save(#[\SensitiveParameter] array $post, Outcome $outcome): void
    {
        $checked = OptionFields::validate($post);
        $outcome->errors = $checked['errors'];
        if ($outcome->failed()) {
            return;
        }
        $values = $checked['values'];
        try {
            // The ledger as the new settings will open it: refuse what it refuses, before saving.
            $ledger = OptionFields::openLedger($values);
            $this->syncStoreThresholds($ledger, Options::storeSilenceHours(), OptionFields::storeHoursMap($values[Options::STORE_SILENCE_HOURS]));
        } catch (\CashbackException $e) {
            $outcome->errors = OptionFields::ledgerError($values, $e);
            return;
        }
        foreach ($values as $name => $value) {
            Options::set($name, $value);
        }
        $outcome->saved = true;
    }

    /**
     * The ledger applies per-store thresholds itself (silentStores): write the
     * new ones into it, and return the stores taken off the list to the global
     * default (0).
     *
     * @param array<string, int> $before
     * @param array<string, int> $after
     */
    private function syncStoreThresholds(\CashbackLedger $ledger, array $before, array $after): void
    {
        foreach ($after as $store => $hours) {
            $ledger->registerStore($store, null, $hours);
        }
        $known = array_flip(array_column($ledger->storeActivity(), 'store_id'));
        foreach (array_keys(array_diff_key($before, $after)) as $store) {
            if (isset($known[$store])) {
                $ledger->registerStore((string) $store, null, 0);
            }
        }
    }

    private function createKey(array $post, Outcome $outcome): void
    {
        $text = static fn (string $field): string => is_string($post[$field] ?? null) ? trim($post[$field]) : '';
        $name = $text(self::KEY_NAME_FIELD);
        $store = $text(self::KEY_STORE_FIELD);
        $networks = preg_split('/[\s,;]+/', $text(self::KEY_NETWORKS_FIELD), -1, PREG_SPLIT_NO_EMPTY) ?: [];
        if ($store !== '' && !Options::isStoreId($store)) {
            $outcome->errors[self::KEY_STORE_FIELD] = (string) Loc::getMessage('RETAILLAB_CASHBACK_KEYS_ERROR_STORE');
            return;
        }
        if ($name === '') {
            // A store's key is named after the store unless told otherwise.
            $name = $store;
        }
        if ($name === '') {
            $outcome->errors[self::KEY_NAME_FIELD] = (string) Loc::getMessage('RETAILLAB_CASHBACK_KEYS_ERROR_NAME');
            return;
        }
        try {
            // The ledger registers the key's store with it: the store may write at once and is
            // watched for silence from now on, even before its first request.
            $outcome->createdKey = LedgerFactory::open()->createApiKey($name, $store === '' ? null : $store, $networks === [] ? null : $networks);
        } catch (\CashbackException $e) {
            $field = $e->getErrorCode() === 'invalid_network' ? self::KEY_NETWORKS_FIELD : self::KEY_NAME_FIELD;
            $outcome->errors[$field] = (string) Loc::getMessage('RETAILLAB_CASHBACK_KEYS_ERROR_LEDGER', [
                '#ERROR#' => $e->getErrorCode() . ': ' . $e->getMessage(),
            ]);
        }
    }

    private function revokeKey(array $post, Outcome $outcome): void
    {
        $id = is_string($post[self::KEY_ID_FIELD] ?? null) ? $post[self::KEY_ID_FIELD] : '';
        if (preg_match('/^[1-9][0-9]{0,17}$/', $id) !== 1) {
            $outcome->errors[self::KEY_ID_FIELD] = (string) Loc::getMessage('RETAILLAB_CASHBACK_KEYS_ERROR_ID');
            return;
        }
        try {
            LedgerFactory::open()->revokeApiKey((int) $id);
            $outcome->revokedKey = (int) $id;
        } catch (\CashbackException $e) {
            $outcome->errors[self::KEY_ID_FIELD] = (string) Loc::getMessage('RETAILLAB_CASHBACK_KEYS_ERROR_LEDGER', [
                '#ERROR#' => $e->getErrorCode() . ': ' . $e->getMessage(),
            ]);
        }
    }

    /** JavaScript of a key button: optional confirm, then submit the settings form with the action set. */
    private static function submitScript(string $action, ?int $id, ?string $confirm): string
    {
        $script = 'var f=this.form;';
        if ($confirm !== null) {
            $script .= 'if(!confirm(' . json_encode($confirm, JSON_UNESCAPED_UNICODE | JSON_HEX_TAG | JSON_HEX_APOS | JSON_HEX_QUOT | JSON_HEX_AMP) . '))return false;';
        }
        $script .= "f.elements['" . self::ACTION_FIELD . "'].value=" . json_encode($action) . ';';
        if ($id !== null) {
            $script .= "f.elements['" . self::KEY_ID_FIELD . "'].value=" . json_encode((string) $id) . ';';
        }
        return $script . 'f.submit();';
    }
}

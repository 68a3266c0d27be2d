<?php

declare(strict_types=1);

namespace Cashback\Admin;

/**
 * Every text the admin page shows, in one place. The standalone page is in
 * English; another host can pass its own translations to the constructor.
 */
final class Labels
{
    public const ENGLISH = [
        'html_lang' => 'en',
        'app_title' => 'Cashback ledger',
        'admin' => 'Admin',
        'login_title' => 'Sign in',
        'password' => 'Admin password',
        'login_button' => 'Sign in',
        'logout_button' => 'Log out',
        'login_wrong_password' => 'Wrong password.',
        'login_form_expired' => 'The form has expired. Please try again.',
        'login_not_configured' => 'Sign-in is disabled: set admin_password_hash in the host settings.',
        'dashboard_title' => 'Sync monitor',

        'sync_log' => 'Sync log',
        'filter_store' => 'Store',
        'filter_status' => 'Status',
        'filter_from' => 'From',
        'filter_to' => 'Before',
        'filter_external_id' => 'External ID',
        'filter_limit' => 'Rows',
        'filter_apply' => 'Filter',
        'filter_reset' => 'Reset',
        'any' => 'any',
        'times_in_zone' => 'Times are %s.',
        'invalid_from' => 'From: expected a date and time such as 2026-11-27T10:15; ignored.',
        'invalid_to' => 'Before: expected a date and time such as 2026-11-27T10:15; ignored.',
        'invalid_status' => 'Status: unknown value; ignored.',
        'invalid_limit' => 'Rows: expected a whole number from 1 to %d; showing %d.',
        'invalid_cursor' => 'Invalid page position; showing the newest rows.',
        // One per sync-log status (CashbackLedger::codes(), use log_status); tests/stubs/vocabulary.php checks them.
        'status_success' => 'success: applied or answered',
        'status_duplicate' => 'duplicate: sent before, nothing changed',
        'status_error' => 'error: refused or failed',
        'status_forbidden' => 'forbidden: key used from a foreign network',
        'status_throttled' => 'throttled: too many failed authentications',
        'status_unauthorized' => 'unauthorized: missing, unknown or revoked key',
        'log_query_refused' => 'The ledger refused the filter: %s',
        'col_time' => 'Time',
        'col_client' => 'Client',
        'col_address' => 'Address',
        'col_store' => 'Store',
        'col_endpoint' => 'Endpoint',
        'col_external_id' => 'External ID',
        'col_status' => 'Status',
        'col_error' => 'Error',
        'col_duration' => 'Duration',
        'times' => '×%d',
        'times_title' => '%d refusals from this address and of this status within 5 minutes',
        'no_log_rows' => 'No sync-log rows match.',
        'page_newest' => '← Newest',
        'page_older' => 'Older →',
        'rows_shown' => '%d rows shown',

        'silent_stores' => 'Silent stores',
        'silent_none' => 'Every store has reported within its threshold (default %d h).',
        'silent_intro' => 'No requests for longer than the threshold (default %d h):',
        'store_activity' => 'Store activity',
        'no_stores' => 'No stores known yet.',
        'col_name' => 'Name',
        'col_last_seen' => 'Last seen',
        'col_silent_for' => 'Silent for',
        'col_threshold' => 'Threshold',
        'never_seen' => 'never seen',
        'default_threshold' => '%d h (default)',
        'own_threshold' => '%d h',
        'duration_days' => '%d d %d h',
        'duration_hours' => '%d h %d min',
        'duration_minutes' => '%d min',
        'duration_under_minute' => 'under a minute',
        'duration_ms' => '%d ms',

        'error_title' => 'Something went wrong',
        'error_database' => 'The ledger database is temporarily unavailable. Please try again in a minute; the details are in the server log.',
        'error_internal' => 'The page could not be shown because of an internal error; the details are in the server log.',
        'error_not_found' => 'There is no such admin page.',
        'error_method' => 'This address does not accept that kind of request.',
        'error_form_expired' => 'The form has expired. Please go back, reload and try again.',
        'error_throttled' => 'Too many failed sign-ins from your address. Please wait a few minutes before trying again.',
        'back_to_dashboard' => 'Back to the sync monitor',
    ];

    /** @param array<string, string> $text */
    public function __construct(private readonly array $text = self::ENGLISH)
    {
    }

    /** The text for $key, with sprintf() arguments filled in; an unknown key shows itself. */
    public function get(string $key, string|int ...$args): string
    {
        $text = $this->text[$key] ?? self::ENGLISH[$key] ?? $key;
        return $args === [] ? $text : sprintf($text, ...$args);
    }
}

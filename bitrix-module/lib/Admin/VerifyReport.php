<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Admin;

use Bitrix\Main\Localization\Loc;

Loc::loadMessages(__FILE__);

/**
 * The "verify ledger" action: its button (a POST form with the session
 * token) and its outcome as a CAdminMessage::ShowMessage() array.
 */
final class VerifyReport
{
    public const ACTION = 'verify';

    /** @param list<array{check: string, user_id: ?int, entry_id: ?int, message: string}> $problems */
    private function __construct(
        private readonly string $type,
        private readonly string $title,
        private readonly string $detailsHtml,
        public readonly array $problems = [],
    ) {
    }

    /** @param array{ok: bool, accounts: int, entries: int, problems: list<array>} $result CashbackLedger::verify() */
    public static function fromResult(array $result): self
    {
        $counts = Html::e(self::message('RETAILLAB_CASHBACK_VERIFY_COUNTS', [
            '#ACCOUNTS#' => (string) (int) $result['accounts'],
            '#ENTRIES#' => (string) (int) $result['entries'],
        ]));
        $problems = array_values($result['problems']);
        if ($result['ok'] && $problems === []) {
            return new self('OK', self::message('RETAILLAB_CASHBACK_VERIFY_OK'), $counts);
        }
        $items = '';
        foreach ($problems as $problem) {
            $where = [];
            if (($problem['user_id'] ?? null) !== null) {
                $where[] = self::message('RETAILLAB_CASHBACK_VERIFY_USER', ['#ID#' => (string) (int) $problem['user_id']]);
            }
            if (($problem['entry_id'] ?? null) !== null) {
                $where[] = self::message('RETAILLAB_CASHBACK_VERIFY_ENTRY', ['#ID#' => (string) (int) $problem['entry_id']]);
            }
            $items .= '<li><b>' . Html::e(self::checkLabel((string) $problem['check'])) . '</b>'
                . ($where === [] ? '' : ' (' . Html::e(implode(', ', $where)) . ')')
                . ': ' . Html::e((string) $problem['message']) . '</li>';
        }
        return new self(
            'ERROR',
            self::message('RETAILLAB_CASHBACK_VERIFY_FAILED', ['#COUNT#' => (string) count($problems)]),
            $counts . '<ul style="margin:6px 0 0 18px;padding:0">' . $items . '</ul>',
            $problems,
        );
    }

    /** The verification could not run (database fault, ledger unavailable). */
    public static function fromFailure(\Throwable $e): self
    {
        $code = $e instanceof \CashbackException ? $e->getErrorCode() : get_class($e);
        return new self('ERROR', self::message('RETAILLAB_CASHBACK_VERIFY_ERROR'), Html::e($code . ': ' . $e->getMessage()));
    }

    /** Refused: verifying needs the module right W. */
    public static function denied(): self
    {
        return new self('ERROR', self::message('RETAILLAB_CASHBACK_VERIFY_DENIED'), '');
    }

    /** Refused: the form's session token is stale or missing (bitrix_sessid). */
    public static function staleForm(): self
    {
        return new self('ERROR', self::message('RETAILLAB_CASHBACK_VERIFY_STALE_FORM'), '');
    }

    public function ok(): bool
    {
        return $this->type === 'OK';
    }

    /**
     * For CAdminMessage::ShowMessage(). With HTML => true it prints MESSAGE and
     * DETAILS as they are, so both are escaped here.
     *
     * @return array{MESSAGE: string, DETAILS: string, TYPE: string, HTML: bool}
     */
    public function adminMessage(): array
    {
        return ['MESSAGE' => Html::e($this->title), 'DETAILS' => $this->detailsHtml, 'TYPE' => $this->type, 'HTML' => true];
    }

    /**
     * The button: a POST form to the page itself.
     *
     * @param string $sessidField bitrix_sessid_post(): the hidden session-token input (trusted HTML)
     */
    public static function formHtml(string $action, string $sessidField): string
    {
        return '<form method="post" action="' . Html::e($action) . '" style="display:inline">'
            . $sessidField
            . '<input type="hidden" name="action" value="' . self::ACTION . '">'
            . '<input type="submit" class="adm-btn" value="' . Html::e(self::message('RETAILLAB_CASHBACK_VERIFY_BUTTON')) . '">'
            . '</form>';
    }

    private static function checkLabel(string $check): string
    {
        $known = ['balance_mismatch', 'overdraft', 'bad_original', 'exceeds_original', 'storage'];
        return in_array($check, $known, true) ? self::message('RETAILLAB_CASHBACK_VERIFY_CHECK_' . strtoupper($check)) : $check;
    }

    /** @param array<string, string> $replace */
    private static function message(string $code, array $replace = []): string
    {
        return Loc::getMessage($code, $replace === [] ? null : $replace) ?? $code;
    }
}

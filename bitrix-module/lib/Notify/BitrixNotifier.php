<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Notify;

use Bitrix\Main\Mail\Event;

/**
 * The Bitrix adapter of Notifier: CAdminNotify stickers and mail events.
 * Deliberately thin; the decisions are in the callers (SilenceMonitor).
 */
final class BitrixNotifier implements Notifier
{
    /**
     * @param string $moduleId The stickers' MODULE_ID (the module id).
     * @param string|null $siteId Site of the mail event (its template is bound to sites);
     *     null: the default site.
     */
    public function __construct(private readonly string $moduleId, private readonly ?string $siteId = null)
    {
    }

    public function addSticker(string $tag, string $html): void
    {
        $id = \CAdminNotify::Add([
            'MESSAGE' => $html,
            'TAG' => $tag,
            'MODULE_ID' => $this->moduleId,
            'ENABLE_CLOSE' => 'Y',
            'NOTIFY_TYPE' => \CAdminNotify::TYPE_ERROR,
        ]);
        if (!$id) {
            throw new NotifyException("CAdminNotify::Add refused the sticker $tag");
        }
    }

    public function deleteSticker(string $tag): void
    {
        \CAdminNotify::DeleteByTag($tag);
    }

    public function sendMail(string $eventName, array $fields): void
    {
        $result = Event::send([
            'EVENT_NAME' => $eventName,
            'LID' => $this->siteId ?? (string) \CSite::GetDefSite(),
            'C_FIELDS' => $fields,
        ]);
        if (!$result->isSuccess()) {
            throw new NotifyException("Mail event $eventName refused: " . implode('; ', $result->getErrorMessages()));
        }
    }
}

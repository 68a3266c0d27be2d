<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Install;

/**
 * What the module hooks into Bitrix. DoInstall registers exactly these and
 * DoUninstall removes exactly these, so the two can never drift apart.
 */
final class Manifest
{
    /**
     * Event handlers: [fromModule, eventName, handler class, handler method, compatible].
     *
     * compatible = true: an old-style event (arguments by reference, no Event
     * object), registered with registerEventHandlerCompatible(); false: a D7
     * event receiving \Bitrix\Main\Event, registered with registerEventHandler().
     * Handlers of the sale module are registered only where sale is installed.
     */
    public const EVENTS = [
        ['main', 'OnAfterUserAdd', \Retaillab\Cashback\Event\UserHandler::class, 'onAfterUserAdd', true],
        ['main', 'OnAfterUserUpdate', \Retaillab\Cashback\Event\UserHandler::class, 'onAfterUserUpdate', true],
        ['main', 'OnUserDelete', \Retaillab\Cashback\Event\UserHandler::class, 'onUserDelete', true],
        ['sale', 'OnSaleOrderPaid', \Retaillab\Cashback\Event\SaleHandler::class, 'onSaleOrderPaid', false],
        ['sale', 'OnSaleOrderCanceled', \Retaillab\Cashback\Event\SaleHandler::class, 'onSaleOrderCanceled', false],
        ['sale', 'OnSaleOrderSaved', \Retaillab\Cashback\Event\SaleHandler::class, 'onSaleOrderSaved', false],
    ];

    /**
     * Agents: [call string, interval in seconds]. They must run from cron
     * (agents_use_crontab / cron_events.php), not on site hits: see README.md.
     */
    public const AGENTS = [
        ['\Retaillab\Cashback\Agent\SilenceAgent::run();', 900],
        ['\Retaillab\Cashback\Agent\PruneAgent::run();', 86400],
    ];

    /** Modules whose events are optional: registered only when the module is installed. */
    public const OPTIONAL_MODULES = ['sale'];

    /** Mail event type sent when a store has been silent too long. */
    public const MAIL_EVENT = 'RETAILLAB_CASHBACK_STORE_SILENT';

    /** Its fields (#NAME# in templates). */
    public const MAIL_EVENT_FIELDS = ['STORE_ID', 'STORE_NAME', 'LAST_SEEN', 'HOURS', 'EMAIL_TO'];
}

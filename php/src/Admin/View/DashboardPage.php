<?php

declare(strict_types=1);

namespace Cashback\Admin\View;

use Cashback\Admin\DashboardData;
use Cashback\Admin\Labels;
use Cashback\Admin\LogQuery;

/**
 * The operator's page. Silent stores come first: a store that stopped
 * sending is the one thing on this page that needs action.
 */
final class DashboardPage
{
    public function __construct(
        private readonly Labels $labels,
        private readonly Layout $layout,
        private readonly SyncLogSection $syncLog,
        private readonly StoreTables $stores,
    ) {
    }

    public function render(LogQuery $query, DashboardData $data, string $logoutCsrf): string
    {
        $main = $this->stores->silentPanel($data->silentStores)
            . $this->syncLog->render($query, $data)
            . $this->stores->activityTable($data->stores);
        return $this->layout->render($this->labels->get('dashboard_title'), $main, $logoutCsrf);
    }
}

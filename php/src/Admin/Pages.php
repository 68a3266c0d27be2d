<?php

declare(strict_types=1);

namespace Cashback\Admin;

use Cashback\Admin\View\DashboardPage;
use Cashback\Admin\View\ErrorPage;
use Cashback\Admin\View\Format;
use Cashback\Admin\View\Layout;
use Cashback\Admin\View\LoginPage;
use Cashback\Admin\View\StoreTables;
use Cashback\Admin\View\SyncLogSection;

/** Wires the views together for one base path, timezone and silence threshold. */
final class Pages
{
    public readonly LoginPage $login;
    public readonly DashboardPage $dashboard;
    public readonly ErrorPage $error;

    public function __construct(Labels $labels, string $basePath, string $timezone, int $silenceHours)
    {
        $layout = new Layout($labels, $basePath);
        $format = new Format($labels);
        $this->login = new LoginPage($labels, $layout, $basePath);
        $this->error = new ErrorPage($labels, $layout, $basePath);
        $this->dashboard = new DashboardPage(
            $labels,
            $layout,
            new SyncLogSection($labels, $format, $basePath . '/', $timezone),
            new StoreTables($labels, $format, $silenceHours),
        );
    }
}

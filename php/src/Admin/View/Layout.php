<?php

declare(strict_types=1);

namespace Cashback\Admin\View;

use Cashback\Admin\Html;
use Cashback\Admin\Labels;

/** The HTML document around every admin page: head, top bar, main area. */
final class Layout
{
    public function __construct(private readonly Labels $labels, private readonly string $basePath)
    {
    }

    /**
     * @param string $mainHtml Already escaped markup of the page body.
     * @param ?string $logoutCsrf The session's CSRF token when signed in (shows the log-out button).
     */
    public function render(string $title, string $mainHtml, ?string $logoutCsrf = null): string
    {
        $t = $this->labels;
        $logout = $logoutCsrf === null ? '' : sprintf(
            '<form class="logout" method="post" action="%s"><input type="hidden" name="csrf" value="%s">'
            . '<button type="submit">%s</button></form>',
            Html::e($this->basePath . '/logout'),
            Html::e($logoutCsrf),
            Html::e($t->get('logout_button')),
        );
        return '<!DOCTYPE html>' . "\n"
            . '<html lang="' . Html::e($t->get('html_lang')) . '"><head><meta charset="utf-8">'
            . '<meta name="viewport" content="width=device-width, initial-scale=1">'
            . '<meta name="referrer" content="no-referrer">'
            . '<meta name="robots" content="noindex, nofollow">'
            . '<title>' . Html::e($title . ' · ' . $t->get('app_title')) . '</title>'
            . '<link rel="stylesheet" href="' . Html::e($this->basePath . '/admin.css') . '">'
            . '</head><body>'
            . '<header class="topbar"><a class="brand" href="' . Html::e($this->basePath . '/') . '">'
            . Html::e($t->get('app_title')) . ' <span>' . Html::e($t->get('admin')) . '</span></a>'
            . $logout . '</header>'
            . '<main>' . $mainHtml . '</main>'
            . '</body></html>' . "\n";
    }
}

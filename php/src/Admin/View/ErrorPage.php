<?php

declare(strict_types=1);

namespace Cashback\Admin\View;

use Cashback\Admin\Html;
use Cashback\Admin\Labels;

/** A friendly error block: what happened in plain words, never a stack trace. */
final class ErrorPage
{
    public function __construct(
        private readonly Labels $labels,
        private readonly Layout $layout,
        private readonly string $basePath,
    ) {
    }

    public function render(string $messageKey, ?string $logoutCsrf = null): string
    {
        $t = $this->labels;
        $main = '<section class="panel error-block" role="alert" id="error">'
            . '<h1>' . Html::e($t->get('error_title')) . '</h1>'
            . '<p>' . Html::e($t->get($messageKey)) . '</p>'
            . '<p><a href="' . Html::e($this->basePath . '/') . '">' . Html::e($t->get('back_to_dashboard')) . '</a></p>'
            . '</section>';
        return $this->layout->render($t->get('error_title'), $main, $logoutCsrf);
    }
}

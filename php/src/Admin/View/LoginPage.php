<?php

declare(strict_types=1);

namespace Cashback\Admin\View;

use Cashback\Admin\Html;
use Cashback\Admin\Labels;

/** The sign-in form. */
final class LoginPage
{
    public function __construct(
        private readonly Labels $labels,
        private readonly Layout $layout,
        private readonly string $basePath,
    ) {
    }

    /**
     * @param ?string $errorKey Label key of the message to show (wrong password, expired form).
     */
    public function render(string $csrf, ?string $errorKey, bool $configured): string
    {
        $t = $this->labels;
        $notice = '';
        if (!$configured) {
            $notice = '<p class="notice notice-error" role="alert">' . Html::e($t->get('login_not_configured')) . '</p>';
        } elseif ($errorKey !== null) {
            $notice = '<p class="notice notice-error" role="alert" id="login-error">' . Html::e($t->get($errorKey)) . '</p>';
        }
        $main = '<section class="panel login">'
            . '<h1>' . Html::e($t->get('login_title')) . '</h1>'
            . $notice
            . '<form method="post" action="' . Html::e($this->basePath . '/login') . '" id="login-form">'
            . '<input type="hidden" name="csrf" value="' . Html::e($csrf) . '">'
            . '<label for="password">' . Html::e($t->get('password')) . '</label>'
            . '<input type="password" id="password" name="password" autocomplete="current-password" required autofocus>'
            . '<button type="submit">' . Html::e($t->get('login_button')) . '</button>'
            . '</form></section>';
        return $this->layout->render($t->get('login_title'), $main);
    }
}

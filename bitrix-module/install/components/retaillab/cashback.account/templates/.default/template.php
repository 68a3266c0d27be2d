<?php

if (!defined('B_PROLOG_INCLUDED') || B_PROLOG_INCLUDED !== true) {
    die();
}

/**
 * @var array $arParams
 * @var array $arResult  see Retaillab\Cashback\Customer\AccountView::build(); values are plain text
 *
 * Everything printed goes through htmlspecialcharsbx(), which (like Bitrix's)
 * escapes double quotes but not single ones: attributes are double-quoted.
 */

$e = static fn ($value): string => htmlspecialcharsbx((string) $value);
$m = static fn (string $code): string => htmlspecialcharsbx((string) GetMessage('RETAILLAB_CASHBACK_TPL_' . $code));
$error = (string) ($arResult['ERROR'] ?? '');
?>
<section class="retaillab-cashback">
<?php if ($error !== ''): ?>
    <p class="retaillab-cashback__error" role="alert"><?= $m('ERROR_' . strtoupper(in_array($error, ['auth', 'module'], true) ? $error : 'unavailable')) ?></p>
<?php else: ?>
    <?php $balance = $arResult['BALANCE']; ?>
    <div class="retaillab-cashback__balance<?= !empty($balance['NEGATIVE']) ? ' retaillab-cashback__balance--negative' : '' ?>">
        <span class="retaillab-cashback__balance-label"><?= $m('BALANCE') ?></span>
        <span class="retaillab-cashback__balance-amount"><?= $e($balance['AMOUNT']) ?></span>
        <?php if (!empty($balance['UPDATED_AT'])): ?>
            <span class="retaillab-cashback__balance-updated"><?= $m('UPDATED') ?> <?= $e($balance['UPDATED_AT']) ?></span>
        <?php endif; ?>
        <?php if (!empty($balance['NEGATIVE'])): ?>
            <p class="retaillab-cashback__note"><?= $m('NEGATIVE_NOTE') ?></p>
        <?php endif; ?>
    </div>

    <h2 class="retaillab-cashback__title"><?= $m('HISTORY') ?></h2>

    <?php if (!empty($arResult['EMPTY'])): ?>
        <p class="retaillab-cashback__empty"><?= $m('EMPTY') ?></p>
    <?php elseif (empty($arResult['ITEMS'])): ?>
        <p class="retaillab-cashback__empty"><?= $m('PAGE_EMPTY') ?></p>
    <?php else: ?>
        <ul class="retaillab-cashback__history">
            <?php foreach ($arResult['ITEMS'] as $item): ?>
                <li class="retaillab-cashback__entry retaillab-cashback__entry--<?= $item['DIRECTION'] === 'out' ? 'out' : 'in' ?> retaillab-cashback__entry--<?= $e($item['CHANNEL']) ?>">
                    <div class="retaillab-cashback__entry-main">
                        <span class="retaillab-cashback__entry-type"><?= $e($item['TYPE_LABEL']) ?></span>
                        <span class="retaillab-cashback__entry-title">
                            <?php if (!empty($item['URL'])): ?>
                                <a href="<?= $e($item['URL']) ?>"><?= $e($item['TITLE']) ?></a>
                            <?php else: ?>
                                <?= $e($item['TITLE']) ?>
                            <?php endif; ?>
                        </span>
                        <?php if ((string) $item['DETAIL'] !== ''): ?>
                            <span class="retaillab-cashback__entry-detail"><?= $e($item['DETAIL']) ?></span>
                        <?php endif; ?>
                    </div>
                    <div class="retaillab-cashback__entry-side">
                        <span class="retaillab-cashback__entry-amount"><?= $e($item['AMOUNT']) ?></span>
                        <span class="retaillab-cashback__entry-date"><?= $e($item['DATE']) ?></span>
                    </div>
                </li>
            <?php endforeach; ?>
        </ul>
    <?php endif; ?>

    <?php if (!empty($arResult['NAV']['FIRST_URL']) || !empty($arResult['NAV']['NEXT_URL'])): ?>
        <nav class="retaillab-cashback__nav" aria-label="<?= $m('NAV') ?>">
            <?php if (!empty($arResult['NAV']['FIRST_URL'])): ?>
                <a class="retaillab-cashback__nav-link" href="<?= $e($arResult['NAV']['FIRST_URL']) ?>"><?= $m('FIRST') ?></a>
            <?php endif; ?>
            <?php if (!empty($arResult['NAV']['NEXT_URL'])): ?>
                <a class="retaillab-cashback__nav-link retaillab-cashback__nav-link--next" href="<?= $e($arResult['NAV']['NEXT_URL']) ?>" rel="next"><?= $m('NEXT') ?></a>
            <?php endif; ?>
        </nav>
    <?php endif; ?>
<?php endif; ?>
</section>

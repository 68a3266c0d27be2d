<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Notify;

/** A sticker or mail that Bitrix refused; the caller retries on its next run. */
final class NotifyException extends \RuntimeException
{
}

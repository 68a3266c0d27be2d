<?php

declare(strict_types=1);

use PHPUnit\Framework\TestCase;
use Retaillab\Cashback\Charset;

/** The UTF-8 requirement the installer checks (Retaillab\Cashback\Charset). */
final class CharsetTest extends TestCase
{
    public function testAUtf8InstallationHasNoProblem(): void
    {
        self::assertNull(Charset::problem(true, 'UTF-8'));
        self::assertNull(Charset::problem(true));
    }

    public function testAnInstallationNotInUtf8ModeIsRefusedWithItsCharsetNamed(): void
    {
        $problem = Charset::problem(false, 'windows-1251');
        self::assertNotNull($problem);
        self::assertStringContainsString('UTF-8', $problem);
        self::assertStringContainsString('windows-1251', $problem);
        self::assertStringContainsString('utf_mode', $problem);
    }
}

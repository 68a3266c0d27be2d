<?php

declare(strict_types=1);

namespace Cashback\Cli\Commands;

use Cashback\Cli\Command;

/** A set of related commands (all "keys ..." commands, for example). */
interface CommandGroup
{
    /** @return list<Command> */
    public function commands(): array;
}

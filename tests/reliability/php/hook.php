<?php

declare(strict_types=1);

// TEST-ONLY request hook of tests/reliability (auto_prepend_file of the test
// hosts; never part of php/server/ or any production config).
//
// A request carrying `X-Reliability-Token: <token>` gets a marker file
// RELIABILITY_HOOK_DIR/<token>.start holding the worker's pid, written before
// the front controller runs, so the test knows which worker to SIGKILL while
// the request is in flight. With `X-Reliability-Mode: hold` the worker also
// holds the finished response back: the front controller's output stays in an
// output buffer, and a shutdown function (which PHP runs before it flushes any
// buffer) writes <token>.built and sleeps. The ledger has committed by then;
// the test kills the worker there, so the client never gets the answer: the
// "crash between commit and response".

(static function (): void {
    $dir = getenv('RELIABILITY_HOOK_DIR');
    $token = $_SERVER['HTTP_X_RELIABILITY_TOKEN'] ?? '';
    if (!is_string($dir) || $dir === '' || !is_dir($dir) || preg_match('/^[a-z0-9-]{1,64}$/', $token) !== 1) {
        return;
    }
    $mark = static function (string $suffix) use ($dir, $token): void {
        $tmp = "$dir/.$token.$suffix." . getmypid();
        file_put_contents($tmp, (string) getmypid());
        rename($tmp, "$dir/$token.$suffix");
    };
    if (($_SERVER['HTTP_X_RELIABILITY_MODE'] ?? '') === 'hold') {
        ob_start();
        register_shutdown_function(static function () use ($mark): void {
            $mark('built');
            sleep(20); // the test SIGKILLs this worker here
        });
    }
    $mark('start');
})();

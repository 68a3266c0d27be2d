<?php

// The floor of a PHP request on the benchmark stack: the same nginx, the same
// FPM pool and workers, no autoloader, no ledger, a fixed JSON body the size
// of a balance answer.
header('Content-Type: application/json; charset=utf-8');
echo '{"user_id":42,"phone":"79001234567","balance":1250.5,"updated_at":"2026-11-27T10:15:00+03:00"}';

<?php

declare(strict_types=1);

namespace CashbackBench;

/** Small helpers shared by the bench scripts. */
final class Bench
{
    /** @param list<string> $argv  --name value pairs and --flags */
    public static function options(array $argv, array $defaults): array
    {
        $options = $defaults;
        for ($i = 1; $i < count($argv); $i++) {
            if (!str_starts_with($argv[$i], '--')) {
                throw new \InvalidArgumentException("unexpected argument {$argv[$i]}");
            }
            $name = substr($argv[$i], 2);
            if (!array_key_exists($name, $defaults)) {
                throw new \InvalidArgumentException("unknown option --$name; known: --" . implode(', --', array_keys($defaults)));
            }
            if (is_bool($defaults[$name])) {
                $options[$name] = true;
            } else {
                $options[$name] = $argv[++$i] ?? throw new \InvalidArgumentException("--$name needs a value");
                if (is_int($defaults[$name])) {
                    $options[$name] = (int) str_replace('_', '', $options[$name]);
                }
            }
        }
        return $options;
    }

    public static function median(array $values): float
    {
        if ($values === []) {
            return NAN;
        }
        sort($values);
        $n = count($values);
        return $n % 2 === 1 ? (float) $values[intdiv($n, 2)] : ($values[$n / 2 - 1] + $values[$n / 2]) / 2;
    }

    /** A progress line on stderr (stdout stays machine-readable). */
    public static function progress(string $line): void
    {
        fwrite(STDERR, $line . "\n");
    }

    public static function removeDb(string $path): void
    {
        foreach (['', '-wal', '-shm', '-journal'] as $suffix) {
            if (file_exists($path . $suffix)) {
                unlink($path . $suffix);
            }
        }
    }

    public static function copyDb(string $from, string $to): void
    {
        self::removeDb($to);
        if (!copy($from, $to)) {
            throw new \RuntimeException("cannot copy $from to $to");
        }
    }

    /** Runs a command; returns its stdout, throws with its stderr when it fails. */
    public static function run(array $command): string
    {
        $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        $status = proc_close($process);
        if ($status !== 0) {
            throw new \RuntimeException(implode(' ', $command) . " failed ($status): $err");
        }
        return $out;
    }

    /** Seconds of one fsync on the disk holding $dir: median of $count appends of 4 KiB, each followed by fsync() (what the bundled SQLite calls at a commit). */
    public static function fsyncSeconds(string $dir, int $count = 100): array
    {
        $file = $dir . '/fsync-probe-' . getmypid();
        $handle = fopen($file, 'w');
        $times = [];
        $block = str_repeat('x', 4096);
        for ($i = 0; $i < $count; $i++) {
            fwrite($handle, $block);
            fflush($handle);
            $started = hrtime(true);
            fsync($handle);
            $times[] = (hrtime(true) - $started) / 1e9;
        }
        fclose($handle);
        unlink($file);
        sort($times);
        return ['median' => self::median($times), 'p90' => $times[(int) floor(0.9 * (count($times) - 1))], 'count' => $count];
    }

    /** A result without its human-readable message, for comparing two implementations. */
    public static function comparable(array $result): array
    {
        unset($result['message']);
        return $result;
    }

    /** Writes JSON (pretty) to a file, or stdout for '-'. */
    public static function writeJson(string $file, array $data): void
    {
        $json = json_encode($data, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION) . "\n";
        $file === '-' ? print($json) : file_put_contents($file, $json);
    }
}

<?php
// Prints the signatures of the extension's classes as JSON: from the loaded
// extension, or, given a stub file as argument, from that file instead.
declare(strict_types=1);

if (isset($argv[1])) {
    if (extension_loaded('cashback')) {
        fwrite(STDERR, "load either the extension or the stub, not both\n");
        exit(2);
    }
    require $argv[1];
}

function type_name(?ReflectionType $type): ?string
{
    return $type === null ? null : (string) $type;
}

function describe(string $class): array
{
    $reflection = new ReflectionClass($class);
    $methods = [];
    foreach ($reflection->getMethods() as $method) {
        if ($method->getDeclaringClass()->getName() !== $class) {
            continue;
        }
        $parameters = [];
        foreach ($method->getParameters() as $parameter) {
            $parameters[] = [
                'name' => $parameter->getName(),
                'type' => type_name($parameter->getType()),
                'optional' => $parameter->isOptional(),
                // #[\SensitiveParameter] keeps a database password out of traces.
                'attributes' => array_map(fn (ReflectionAttribute $attribute) => $attribute->getName(), $parameter->getAttributes()),
            ];
        }
        $methods[$method->getName()] = [
            'static' => $method->isStatic(),
            'visibility' => $method->isPublic() ? 'public' : ($method->isProtected() ? 'protected' : 'private'),
            'return' => type_name($method->getReturnType()),
            'parameters' => $parameters,
        ];
    }
    ksort($methods);
    return [
        'final' => $reflection->isFinal(),
        'parent' => $reflection->getParentClass() ? $reflection->getParentClass()->getName() : null,
        'methods' => $methods,
    ];
}

echo json_encode(
    ['CashbackLedger' => describe('CashbackLedger'), 'CashbackException' => describe('CashbackException')],
    JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES
), "\n";

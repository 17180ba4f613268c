// Every message adc shows a user, in one place. Codes are stable: tests and users grep for them.
export const messages = {
  unsupportedStatement: (what: string) =>
    `ADC1001: ${what} is not supported in a @differentiable function (supported: const/let, assignments, if/else, switch, for, while, do…while, break, continue, return)`,
  unsupportedExpression: (what: string) => `ADC1002: ${what} is not supported in a @differentiable function`,
  unsupportedOperator: (op: string) =>
    `ADC1003: the operator '${op}' is not supported in a @differentiable function (supported: + - * / ** %, unary -, comparisons, && || !, ?:)`,
  noRuleForCall: (callee: string) =>
    `ADC1004: cannot differentiate the call to '${callee}': adc has no derivative for it; a @differentiable function may call the Math functions listed in the README, other @differentiable functions${/^[\w$]+$/.test(callee) ? ` (tag '${callee}' with /** @differentiable */ if it is yours)` : ""}, and functions with a @derivativeOf`,
  callArguments: (callee: string, want: number, got: number) => `ADC1045: '${callee}' takes ${want} argument(s), not ${got}`,
  recursion: (callee: string) => `ADC1047: '${callee}' calls itself (directly or through other functions); recursion is not supported`,
  callToTagged: (callee: string) =>
    `ADC1005: '${callee}' is @differentiable too, but calls between @differentiable functions are not supported yet; inline its body for now`,
  unknownMathMember: (name: string) => `ADC1006: 'Math.${name}' is not supported in a @differentiable function`,
  unknownName: (name: string) =>
    `ADC1007: '${name}' is not a parameter or local variable of this function (module-level constants must be numeric literals)`,
  parameterType: (name: string, type: string) =>
    `ADC1008: parameter '${name}' has type '${type}'; only 'number' parameters are supported yet`,
  parameterNeedsType: (name: string) => `ADC1009: parameter '${name}' needs a type annotation (': number')`,
  parameterForm: (what: string) => `ADC1010: ${what} parameters are not supported in a @differentiable function`,
  returnType: (type: string) => `ADC1011: a @differentiable function must return 'number', not '${type}'`,
  missingReturn: (name: string) => `ADC1012: '${name}' must end with 'return <expression>'`,
  codeAfterReturn: () => `ADC1013: this code is never run (it follows a return, break or continue); remove it`,
  assignToUnknown: (name: string) => `ADC1014: cannot assign to '${name}': it is not a local variable or parameter of this function`,
  assignToConst: (name: string) => `ADC1015: cannot assign to '${name}': it is a const`,
  readBeforeAssign: (name: string) => `ADC1016: '${name}' is read before it is assigned a value`,
  varDeclaration: () => `ADC1017: 'var' is not supported in a @differentiable function; use 'let' or 'const'`,
  destructuring: () => `ADC1018: destructuring is not supported in a @differentiable function; declare one variable at a time`,
  localType: (name: string, type: string) => `ADC1019: local '${name}' has type '${type}'; only numbers are supported yet`,
  notAFunction: () => `ADC1020: @differentiable must tag a function declaration or 'const f = (…) => …'`,
  noBody: (name: string) => `ADC1021: '${name}' has no body to differentiate (a declaration or overload)`,
  functionModifier: (what: string) => `ADC1022: ${what} functions cannot be @differentiable`,
  wrtUnknown: (name: string, fn: string, params: string[]) =>
    `ADC1023: wrt(…) names '${name}', but '${fn}' has no such parameter (its parameters: ${params.join(", ") || "none"})`,
  wrtSyntax: (text: string) => `ADC1024: cannot read the tag '${text}': write '@differentiable' or '@differentiable wrt(a, b)'`,
  typeParameters: () => `ADC1025: generic @differentiable functions are not supported`,
  duplicateTagged: (name: string, firstLine: number) =>
    `ADC1026: another @differentiable function named '${name}' is tagged on line ${firstLine}`,
  generatedNameClash: (generated: string, from: string) =>
    `ADC1027: this function's name '${generated}' is the name adc generates for the gradient of '${from}'; rename one of them`,
  tagNotOnTopLevelFunction: () =>
    `ADC1028: @differentiable only tags top-level functions ('function f(…)' or 'const f = (…) => …'); this tag would be ignored`,
  tagNotInJsDoc: () => `ADC1029: @differentiable must be in a /** … */ comment to tag a function; this one would be ignored`,
  wrtEmpty: () => `ADC1030: wrt() names no parameters; list the ones to differentiate, or drop wrt(…) to differentiate all`,
  wrtDuplicate: (name: string) => `ADC1031: wrt(…) names '${name}' twice`,
  syntaxError: (text: string) => `ADC1000: syntax error: ${text}`,
  shadowedMath: () =>
    `ADC1032: 'Math' here is not the global Math (this file declares its own); adc only knows the derivatives of the global Math functions`,
  mathFunctionAsValue: (name: string) => `ADC1033: 'Math.${name}' can only be called in a @differentiable function, not used as a value`,
  labeledStatement: () =>
    `ADC1034: labeled statements and labeled break/continue are not supported in a @differentiable function; use a flag variable`,
  needsValueBeforeLoop: (name: string) =>
    `ADC1035: '${name}' is assigned in this loop but has no value before it; give it one (e.g. 'let ${name} = 0')`,
  switchFallthrough: () =>
    `ADC1036: this case falls through to the next one; end it with break, continue or return (only empty cases may share a body)`,
  expectedNumber: () => `ADC1037: a number is expected here, not a boolean`,
  conditionNotBoolean: (text: string) =>
    `ADC1038: the condition '${text}' is a number; write a comparison (for example '${text} !== 0'), as adc does not use JavaScript's truthiness`,
  mixedComparison: () => `ADC1039: both sides must be numbers, or both booleans`,
  unsupportedType: (what: string, type: string) =>
    `ADC1040: ${what} has type '${type}'; supported: number, number[] (readonly too), Float64Array, Float32Array, number[][], tuples of numbers, and object types of these`,
  writeIntoArray: (text: string) =>
    `ADC1041: cannot write into '${text}': a @differentiable function never changes its inputs, and only local arrays are written (copy into one: 'const a = new Array(n).fill(0)', then a loop)`,
  localArrayUse: (name: string) =>
    `ADC1048: '${name}' is a local array: it can be indexed (${name}[i]), written (${name}[i] = v), measured (${name}.length) and passed to a function adc differentiates; it cannot be used whole otherwise (copied, aliased or returned)`,
  allocationPlace: () => `ADC1049: a new array is only allowed as the initializer of a const ('const a = new Array(n).fill(0)')`,
  allocationForm: (text: string) =>
    `ADC1050: cannot make the local array '${text}'; supported: new Array(n).fill(c), new Float64Array(n), new Float32Array(n), [a, b, …] of numbers, Array.from({ length: n }, () => c), and Array.from({ length: m }, () => one of these) for a matrix (c a number literal)`,
  derivativeForm: (primal: string) =>
    `ADC1052: the derivative of '${primal}' (@derivativeOf ${primal}) is written like a generated GradInto: 'export function ${primal}GradInto(<${primal}'s parameters>, grad: { <the parameters it differentiates> }, seed = 1): number', adding seed * d${primal}/dp into grad.p and returning ${primal}'s value`,
  mustExport: (name: string, why: string) => `ADC1053: export '${name}': ${why}`,
  derivativeTwice: (primal: string) => `ADC1054: '${primal}' has two @derivativeOf functions; keep one`,
  derivativeField: (field: string, primal: string) =>
    `ADC1055: the gradient record has a field '${field}', but '${primal}' has no such parameter`,
  derivativeOfUnknown: (primal: string) =>
    `ADC1056: @derivativeOf ${primal}: no function '${primal}' is declared in this file or imported by name into it`,
  derivativeAndTagged: (primal: string) =>
    `ADC1057: '${primal}' is @differentiable and has a @derivativeOf function too; keep one (adc would not know which gradient you mean)`,
  callArgumentShape: (callee: string, param: string, want: string) =>
    `ADC1058: the argument for '${param}' of '${callee}' must be of type ${want}, as the parameter is`,
  callWithLocalArray: (name: string) =>
    `ADC1059: the local array '${name}' is passed to a call, so it must not be written after the call, and must be made at the top level of the function (not in a loop or branch): the reverse sweep passes it again`,
  calleeNotWrt: (callee: string, param: string, caller: string) =>
    `ADC1060: the argument for '${param}' of '${callee}' depends on what '${caller}' differentiates, but '${callee}' does not differentiate '${param}' (its wrt(…) leaves it out), so the gradient through it would be lost; add '${param}' to the wrt(…) of '${callee}', or leave what it depends on out of the wrt(…) of '${caller}'`,
  importedNotCompiled: (name: string, spec: string) =>
    `ADC1061: '${name}' is @differentiable in '${spec}', but adc cannot compile it there (run adc on that file to see why)`,
  pluginNeedsFunction: (api: string) =>
    `ADC1062: ${api}(f) needs f to name a function declared at the top level of a module ('function f(…)' or 'const f = (…) => …'), here or imported`,
  pluginWrt: (what: string) => `ADC1063: cannot read the options: ${what}`,
  pluginVjpOptions: () => `ADC1064: vjp(f) takes no options: it differentiates f's first parameter`,
  pluginNothingCompiled: (name: string) => `ADC1065: adc compiled nothing for '${name}'`,
  localRow: (name: string) =>
    `ADC1051: a row of the local matrix '${name}' cannot be used on its own; index it down to a number (${name}[i][j])`,
  notAnArray: (text: string) => `ADC1042: '${text}' is not an array: only arrays can be indexed here`,
  noSuchField: (field: string, text: string) => `ADC1043: '${text}' has no field '${field}'`,
  objectVariable: (name: string) =>
    `ADC1044: '${name}' holds an array or record; it can be read (const) but not reassigned in a @differentiable function yet`,
} as const;

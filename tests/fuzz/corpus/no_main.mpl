fn helper() do
  1
end
